/**
 * Counts the HTTP/1.1 requests in the bytes a client sends on one connection, however they are cut
 * into chunks: a request is its head (up to the blank line) and then `Content-Length` bytes of body,
 * or chunks up to the last one when it is sent `Transfer-Encoding: chunked`. Enough for the storage
 * SDKs' requests, so that a proxy can say how many requests passed without parsing them for real.
 */
export class HttpRequestCounter {
  private pending: Buffer = Buffer.alloc(0);
  /** Body bytes still to skip before the next head. */
  private bodyLeft = 0;
  private chunked = false;
  private counted = 0;

  /** Requests whose head has been seen so far. */
  get requests(): number {
    return this.counted;
  }

  /** Feeds the next bytes the client sent. */
  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      if (this.bodyLeft > 0) {
        const skipped = Math.min(this.bodyLeft, this.pending.length);
        this.bodyLeft -= skipped;
        this.pending = this.pending.subarray(skipped);
        if (this.bodyLeft > 0) return;
      }
      if (this.chunked) {
        const end = this.pending.indexOf('0\r\n\r\n');
        if (end < 0) return;
        this.pending = this.pending.subarray(end + 5);
        this.chunked = false;
      }
      const headEnd = this.pending.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const head = this.pending.subarray(0, headEnd).toString('latin1');
      this.pending = this.pending.subarray(headEnd + 4);
      this.counted += 1;
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      this.bodyLeft = length ? Number(length[1]) : 0;
      this.chunked = !length && /\r\ntransfer-encoding:[^\r]*chunked/i.test(head);
    }
  }
}
