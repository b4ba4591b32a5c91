/**
 * Why a remote server could not be reached, in words a person acts on: the network's reason (found in the error's
 * causes, where fetch keeps it) or the HTTP status, with the URL. The SDK says "Version negotiation probe failed:
 * fetch failed"; a person needs "connection refused at http://127.0.0.1:9001/mcp: is the server running?".
 */
export function describeRemoteFailure(error: unknown, url: URL): string {
  const code = systemCode(error);
  const where = url.href;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused at ${where}: is the server running, on that port?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host ${url.hostname} of ${where} cannot be found (DNS): check the URL`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return `the connection to ${where} was closed before it answered: is it an MCP server (Streamable HTTP)?`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `no connection to ${where} within the time allowed: is the host reachable?`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${url.hostname} cannot be reached from here (${code}): check the network or VPN`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the TLS certificate of ${url.host} is not trusted (${code})`;
  }
  const status = httpStatus(error);
  if (status === 401 || status === 403) return `${where} refused the credentials (HTTP ${status}): check the server's headers (its token)`;
  if (status === 404) return `nothing answers MCP at ${where} (HTTP 404): check the path (often /mcp)`;
  if (status !== undefined) return `${where} answered HTTP ${status}: ${errorText(error)}`;
  return `MCP handshake with ${where} failed: ${errorText(error)}`;
}

/** The first system or network error code (ECONNREFUSED, UND_ERR_SOCKET, a TLS one) in the error or its causes. */
function systemCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    // Not the SDK's own codes (its errors wrap the network's as their cause).
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+|[A-Z_]*CERT[A-Z_]*|UNABLE_TO_[A-Z_]+)$/.test(code)) return code;
    const nested = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(nested)) for (const inner of nested) if (systemCode(inner)) return systemCode(inner);
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** An HTTP status the SDK put on its error (its message or its `code`). */
function httpStatus(error: unknown): number | undefined {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'number' && code >= 400 && code < 600) return code;
    // The SDK's HTTP errors carry the status in their data.
    const status = (current as { data?: { status?: unknown } }).data?.status;
    if (typeof status === 'number' && status >= 400 && status < 600) return status;
    const match = /\bHTTP (\d{3})\b|\bstatus(?: code)?:? (\d{3})\b|\((\d{3})\)/i.exec(errorText(current));
    if (match) return Number(match[1] ?? match[2] ?? match[3]);
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
