/**
 * Finds where HTTP/1.1 requests begin in a byte stream a client sends on one connection, so a TCP
 * proxy can count requests (not chunks: one request may arrive in several chunks, several
 * keep-alive requests in one). Bodies are skipped by `Content-Length` or `Transfer-Encoding:
 * chunked`, as the storage SDKs send them; a request without either has no body.
 */
export class HttpRequestScanner {
  /** Bytes of an unfinished head or chunk-size line, kept until the line ends. */
  private pending = Buffer.alloc(0);
  /** What the next bytes are. */
  private state: 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'trailers' = 'head';
  /** Bytes of body (or chunk data with its CRLF) still to skip. */
  private remaining = 0;

  /**
   * Takes the next bytes of the stream; returns the request line (`GET /path HTTP/1.1`) of every
   * request whose head was completed by them, in order.
   */
  feed(chunk: Buffer): string[] {
    const lines: string[] = [];
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (data.length > 0) {
      if (this.state === 'body' || this.state === 'chunk-data') {
        const skipped = Math.min(this.remaining, data.length);
        this.remaining -= skipped;
        data = data.subarray(skipped);
        if (this.remaining === 0) this.state = this.state === 'body' ? 'head' : 'chunk-size';
        continue;
      }
      const ending = this.state === 'chunk-size' ? '\r\n' : '\r\n\r\n';
      const end = this.state === 'trailers' && data.subarray(0, 2).equals(Buffer.from('\r\n')) ? 0 : data.indexOf(ending);
      if (end === -1) {
        this.pending = Buffer.from(data);
        break;
      }
      const text = data.subarray(0, end).toString('latin1');
      data = data.subarray(end + (this.state === 'trailers' && end === 0 ? 2 : ending.length));
      if (this.state === 'head') {
        const [requestLine = '', ...headers] = text.split('\r\n');
        lines.push(requestLine);
        const header = (name: string) => headers.find((line) => line.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
        if (header('transfer-encoding')?.toLowerCase().includes('chunked')) {
          this.state = 'chunk-size';
        } else {
          this.remaining = Number(header('content-length') ?? 0) || 0;
          this.state = this.remaining > 0 ? 'body' : 'head';
        }
      } else if (this.state === 'chunk-size') {
        const size = Number.parseInt(text.split(';')[0]!.trim(), 16);
        if (!Number.isFinite(size)) throw new Error(`"${text}" is not a chunk size.`);
        // The last chunk (size 0) is followed by optional trailers and an empty line.
        if (size === 0) this.state = 'trailers';
        else {
          this.remaining = size + 2;
          this.state = 'chunk-data';
        }
      } else {
        this.state = 'head';
      }
    }
    return lines;
  }
}
