import { GraphRequestError } from './graph-request-error';
import type { GraphTransport } from './graph-transport';

/** What {@link PageWalk} needs to know of the walk it guards. */
export interface PageWalkOptions {
  tenantId: string;
  /** The operation of the next pages, for errors and logs. */
  operation: string;
  /** Most pages (the first included) before giving up. */
  maxPages: number;
  /** What is being walked, for the sentences of errors, e.g. `call record 1234's sessions`. */
  subject: string;
  /** The page-cap error's advice, e.g. `List a shorter period, or raise the page cap.` */
  capAdvice: string;
}

/**
 * Guards one walk along Graph's next links (a call record's session pages, a listing): every
 * link must stay on the configured Graph origin, must not lead back to a page already read on
 * this walk, and the walk stops at a page cap. Each refusal is a non-retryable
 * {@link GraphRequestError}: asking again gets the same answer, so the caller gives up at once
 * instead of retrying for hours. A loop is caught on its first repeat, not after the page cap.
 */
export class PageWalk {
  private readonly visited = new Set<string>();
  private pagesRead = 0;

  constructor(
    private readonly transport: GraphTransport,
    private readonly options: PageWalkOptions,
  ) {}

  /**
   * Reads the walk's pages in order: `send` asks for a page and checks the answer (throwing when it
   * is not a page), each page is yielded, then the next link `nextLink` finds on it is followed
   * ({@link follow}: a refused link throws from the iteration after the pages before it were
   * yielded). `first` is true for the page at `firstUrl`. A page is not held once the caller asks
   * for the next one.
   */
  async *pages<Page>(firstUrl: string, send: (url: string, first: boolean) => Promise<Page>, nextLink: (page: Page, first: boolean) => unknown): AsyncGenerator<Page, void, undefined> {
    let url = this.start(firstUrl) as string | undefined;
    for (let first = true; url !== undefined; first = false) {
      let page: Page | undefined = await send(url, first);
      const link = nextLink(page, first);
      yield page;
      page = undefined; // not held while the next page is read
      url = this.follow(link);
    }
  }

  /** Records the first page's URL (a link back to it is a loop too). */
  private start(url: string): string {
    this.visited.add(new URL(url).href);
    this.pagesRead = 1;
    return url;
  }

  /** How many pages the walk has read or is reading. */
  get pageCount(): number {
    return this.pagesRead;
  }

  /**
   * The URL to read next for a page's next link, or undefined when the link is absent (the walk
   * is complete). Throws when the link is foreign, repeats a page, or passes the cap.
   */
  private follow(link: unknown): string | undefined {
    if (link === undefined || link === null || link === '') return undefined;
    const { tenantId, operation, maxPages, subject } = this.options;
    const url = this.transport.checkNextLink(link, tenantId, operation);
    if (this.visited.has(url)) {
      throw new GraphRequestError(
        `Graph's next link for ${subject} leads back to a page already read on this walk (after ${this.pagesRead} page${this.pagesRead === 1 ? '' : 's'}); stopped following it. The answer loops, so it cannot be read whole; asking again would loop the same way.`,
        { kind: 'looping-next-link', operation, tenantId, retryable: false },
      );
    }
    if (this.pagesRead >= maxPages) {
      throw new GraphRequestError(`${capitalize(subject)} went past ${maxPages} pages; stopped following next links (a runaway answer). ${this.options.capAdvice}`, {
        kind: 'page-cap',
        operation,
        tenantId,
        retryable: false,
      });
    }
    this.visited.add(url);
    this.pagesRead += 1;
    return url;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
