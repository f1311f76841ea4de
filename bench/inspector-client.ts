/**
 * A minimal Chrome DevTools Protocol client over Node's global `WebSocket`, for a benchmark that
 * reads a child process's heap through `--inspect` (the child's memory, not the benchmark's).
 */
export class InspectorClient {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = message.id === undefined ? undefined : this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id!);
      if (message.error) waiter.reject(new Error(`The inspector refused: ${message.error.message}`));
      else waiter.resolve(message.result);
    });
    socket.addEventListener('close', () => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error('The inspector connection closed.'));
      this.waiting.clear();
    });
  }

  /** Connects to the `ws://` address a process started with `--inspect` printed. */
  static connect(url: string): Promise<InspectorClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.addEventListener('open', () => resolve(new InspectorClient(socket)), { once: true });
      socket.addEventListener('error', () => reject(new Error(`Could not connect to the inspector at ${url}.`)), { once: true });
    });
  }

  /** Sends one protocol command and resolves to its result. */
  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Evaluates `expression` in the process and returns its value (JSON-serializable). */
  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.send<{ result: { value: T }; exceptionDetails?: { text: string } }>('Runtime.evaluate', { expression, returnByValue: true });
    if (exceptionDetails) throw new Error(`${expression} failed in the inspected process: ${exceptionDetails.text}`);
    return result.value;
  }

  close(): void {
    this.socket.close();
  }
}

/** The `ws://` address in a process's output after `--inspect=127.0.0.1:0`, once it is there. */
export function inspectorUrlIn(output: string): string | undefined {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
}
