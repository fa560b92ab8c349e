// What the tests recognise a bug by.

/** What the missing pin lets happen: a fault served in (or into) an mm exit_mmap is tearing down. */
export const FAULT_IN_DEFUNCT_MM = /KASAN: use-after-free in (handle_mm_fault|find_extend_vma|iommu-walk).*freed at step \d+ by exit_mmap|kmemleak: .* populated at step \d+ by handle_mm_fault \(prq_event_thread\).* after mm#\d went defunct/;
