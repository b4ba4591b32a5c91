import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';

/**
 * Our own cursors over the aggregate lists: an opaque token holding the list kind and an offset. A client
 * that pages while the catalog changes may see an item twice or miss one; list_changed tells it to re-list.
 */
export function paginate<T>(items: readonly T[], cursor: string | undefined, kind: string, pageSize: number): { page: T[]; nextCursor?: string } {
  let offset = 0;
  if (cursor !== undefined) {
    offset = decodeCursor(cursor, kind);
  }
  const page = items.slice(offset, offset + pageSize);
  const next = offset + pageSize;
  return next < items.length ? { page, nextCursor: encodeCursor(kind, next) } : { page };
}

function encodeCursor(kind: string, offset: number): string {
  return Buffer.from(JSON.stringify({ k: kind, o: offset })).toString('base64url');
}

function decodeCursor(cursor: string, kind: string): number {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown; o?: unknown };
    if (value.k === kind && typeof value.o === 'number' && Number.isInteger(value.o) && value.o >= 0) return value.o;
  } catch {
    // Falls through to the error below.
  }
  throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Invalid cursor for ${kind}/list`);
}
