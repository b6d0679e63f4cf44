import { ChatRequestError } from '../errors/chat-error.js';
import { DataConfigError } from '../errors/config-error.js';

/** One part of a multimodal user message (OpenAI chat-completions format). */
export type ChatContentPart =
  | { readonly type: 'text'; readonly text: string }
  | {
      readonly type: 'image_url';
      readonly image_url: { readonly url: string; readonly detail?: 'low' | 'high' | 'auto' };
    };

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string | readonly ChatContentPart[];
}

/** Settings of {@link ChatClient}. Any server speaking OpenAI's `/chat/completions` works (vLLM, Ollama, Gemini's compatible endpoint...). */
export interface ChatClientConfig {
  /** Base URL including the version path, e.g. `https://host/v1`; `/chat/completions` is appended. */
  readonly baseUrl: string;
  readonly model: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. Read it from an environment variable, never from a committed file. */
  readonly apiKey?: string;
  /** Per-attempt timeout. @defaultValue 120000 */
  readonly timeoutMs?: number;
  /** Retries after the first attempt for 408/409/429/5xx, network errors and timeouts. @defaultValue 4 */
  readonly maxRetries?: number;
  /** First backoff; doubles per retry, with full jitter, capped at `maxBackoffMs`. @defaultValue 1000 */
  readonly initialBackoffMs?: number;
  /** @defaultValue 30000 */
  readonly maxBackoffMs?: number;
  /** Client-side rate limit shared by all concurrent calls of this client; unlimited when undefined. */
  readonly requestsPerMinute?: number;
  /** @defaultValue 0 */
  readonly temperature?: number;
  readonly maxTokens?: number;
  /** For tests and custom transports. @defaultValue globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Jitter source in [0, 1). @defaultValue Math.random */
  readonly random?: () => number;
}

/** A completed chat request. */
export interface ChatCompletion {
  readonly text: string;
  /** The model the server says answered. */
  readonly model: string;
  readonly attempts: number;
  readonly usage?: { readonly prompt_tokens?: number; readonly completion_tokens?: number };
}

const RETRYABLE = new Set([408, 409, 425, 429, 500, 502, 503, 504]);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A chat-completions client with retries (exponential backoff with jitter, Retry-After), timeouts and a rate limit. */
export class ChatClient {
  private readonly url: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly intervalMs: number;
  private nextSlot = 0;

  constructor(readonly config: ChatClientConfig) {
    let protocol = '';
    try {
      protocol = new URL(config.baseUrl).protocol;
    } catch {}
    if (protocol !== 'http:' && protocol !== 'https:') {
      throw new DataConfigError(
        'chat.baseUrl',
        'an absolute http(s) URL such as http://127.0.0.1:8000/v1',
        config.baseUrl,
      );
    }
    if (!config.model) throw new DataConfigError('chat.model', 'a model name', config.model);
    this.url = `${config.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    this.timeoutMs = config.timeoutMs ?? 120_000;
    this.maxRetries = config.maxRetries ?? 4;
    this.initialBackoffMs = config.initialBackoffMs ?? 1000;
    this.maxBackoffMs = config.maxBackoffMs ?? 30_000;
    if (!(this.timeoutMs > 0)) throw new DataConfigError('chat.timeoutMs', 'a number > 0', this.timeoutMs);
    if (!Number.isInteger(this.maxRetries) || this.maxRetries < 0)
      throw new DataConfigError('chat.maxRetries', 'an integer >= 0', this.maxRetries);
    const rpm = config.requestsPerMinute;
    if (rpm !== undefined && !(rpm > 0))
      throw new DataConfigError('chat.requestsPerMinute', 'a number > 0', rpm);
    this.intervalMs = rpm ? 60_000 / rpm : 0;
  }

  /** Waits for this client's next free request slot (slots are handed out in call order). */
  private async takeSlot(): Promise<void> {
    if (this.intervalMs === 0) return;
    // Monotonic, sub-millisecond clock; timers may fire a fraction of a millisecond early, so wait
    // until the slot has really come.
    const slot = Math.max(performance.now(), this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    while (performance.now() < slot) await sleep(Math.ceil(slot - performance.now()));
  }

  /** Sends `messages` and returns the first choice's text. */
  async complete(messages: readonly ChatMessage[]): Promise<ChatCompletion> {
    const doFetch = this.config.fetch ?? globalThis.fetch;
    const random = this.config.random ?? Math.random;
    const body = JSON.stringify({
      model: this.config.model,
      messages,
      temperature: this.config.temperature ?? 0,
      ...(this.config.maxTokens ? { max_tokens: this.config.maxTokens } : {}),
    });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.config.apiKey) headers.authorization = `Bearer ${this.config.apiKey}`;
    let lastReason = '';
    let lastStatus: number | undefined;
    for (let attempt = 1; attempt <= this.maxRetries + 1; attempt++) {
      await this.takeSlot();
      let waitMs: number | undefined;
      try {
        const response = await doFetch(this.url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        lastStatus = response.status;
        if (response.ok) {
          const json = (await response.json()) as {
            model?: string;
            choices?: { message?: { content?: string | null } }[];
            usage?: ChatCompletion['usage'];
          };
          const text = json.choices?.[0]?.message?.content;
          if (typeof text !== 'string')
            throw new ChatRequestError(
              this.url,
              response.status,
              attempt,
              'the response has no choices[0].message.content',
            );
          return {
            text,
            model: json.model ?? this.config.model,
            attempts: attempt,
            ...(json.usage ? { usage: json.usage } : {}),
          };
        }
        const detail = (await response.text().catch(() => '')).slice(0, 300);
        lastReason = `HTTP ${response.status}${detail ? `: ${detail}` : ''}`;
        if (!RETRYABLE.has(response.status))
          throw new ChatRequestError(this.url, response.status, attempt, lastReason);
        waitMs = retryAfterMs(response.headers.get('retry-after'));
      } catch (error) {
        if (ChatRequestError.isInstance(error)) throw error;
        const name = (error as Error).name;
        lastStatus = undefined;
        lastReason =
          name === 'TimeoutError' || name === 'AbortError'
            ? `no answer within timeoutMs ${this.timeoutMs}`
            : `network error: ${(error as Error).message}`;
      }
      if (attempt > this.maxRetries) break;
      const cap = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (attempt - 1));
      await sleep(waitMs ?? random() * cap);
    }
    throw new ChatRequestError(this.url, lastStatus, this.maxRetries + 1, lastReason);
  }
}
