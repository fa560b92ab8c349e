// files_struct (machines/files.ts): a table CLONE_FILES shares. Its count is one per task; only
// the last put_files_struct runs close_files, filp_close of each fd in that task's context.
import { describe, expect, it } from 'vitest';
import { filesMachine } from '../../machines/files.ts';
import { drive, sends, sent } from './harness.ts';

const table = () => drive(filesMachine, { id: 'files#1' });

describe('files_struct', () => {
  it('fd_install and __close_fd keep the table in fd order, each returning to its caller', () => {
    const f = table();
    expect(sends(f.send({ type: 'fd_install', ctx: 'process#1', file: 'file#1' }, 'process#1'))).toEqual(['process#1:ret.fd_install']);
    f.send({ type: 'fd_install', ctx: 'process#2', file: 'file#2' }, 'process#2');
    expect(sends(f.send({ type: '__close_fd', ctx: 'process#2', file: 'file#1' }, 'process#2'))).toEqual(['process#2:ret.__close_fd']);
    expect(f.context.fds).toEqual(['file#2']);
  });

  it('a put that is not the last returns at once and closes nothing (copy_files took a count)', () => {
    const f = table();
    f.send({ type: 'fd_install', ctx: 'process#1', file: 'file#1' }, 'process#1');
    expect(sends(f.send({ type: 'get_files', ctx: 'process#1' }, 'process#1'))).toEqual(['process#1:ret.get_files']);
    expect(f.context.count).toBe(2);
    expect(sends(f.send({ type: 'put_files_struct', ctx: 'process#1' }, 'process#1'))).toEqual(['process#1:ret.put_files_struct']);
    expect(f.state).toBe('shared');
    expect(f.context.fds).toEqual(['file#1']);
  });

  it("the last put closes every fd, one at a time, in the last putter's context, then returns", () => {
    const f = table();
    f.send({ type: 'fd_install', ctx: 'process#1', file: 'file#1' }, 'process#1');
    f.send({ type: 'get_files', ctx: 'process#1' }, 'process#1');
    f.send({ type: 'fd_install', ctx: 'process#2', file: 'file#2' }, 'process#2');
    f.send({ type: 'put_files_struct', ctx: 'process#1' }, 'process#1');
    const first = f.send({ type: 'put_files_struct', ctx: 'process#2' }, 'process#2');
    expect(sends(first)).toEqual(['file#1:filp_close']);
    expect(sent(first, 'filp_close')).toMatchObject({ ctx: 'process#2' });
    expect(f.waiting).toBe(true);
    expect(sends(f.send({ type: 'ret.filp_close' }, 'file#1'))).toEqual(['file#2:filp_close']);
    expect(sends(f.send({ type: 'ret.filp_close' }, 'file#2'))).toEqual(['process#2:ret.put_files_struct']);
    expect(f.state).toBe('freed');
  });
});
