// Types of grpc-ws-session.js: protocol v2 sessions (docs/protocol.md, "Protocol v2: sessions").
import type { AbortSignalLike, Call, CallOptions, CallStatus, FrameError, WebSocketConstructor } from "./grpc-ws-bridge.js";

export declare const SessionState: Readonly<{
  CONNECTING: "CONNECTING";
  OPEN: "OPEN";
  RECONNECTING: "RECONNECTING";
  LOST: "LOST";
  CLOSED: "CLOSED";
}>;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

export interface SessionOptions {
  baseUrl?: CallOptions["baseUrl"];
  client?: string;
  token?: string;
  protocols?: string[];
  /** Responses each call may hold before the iterator takes them (the credit granted). Default 32. */
  credit?: number;
  /** send() resolves only once the socket's bufferedAmount is below this. Default 65536. */
  maxBufferedBytes?: number;
  WebSocket?: WebSocketConstructor;
  /** The delay before resume attempt `attempt` (0 first). Default: backoff(attempt) with a jitter of 0.8 to 1.2. */
  backoff?: (attempt: number) => number;
  /** The session's state changed: OPEN with "resumed" after a dropped connection, RECONNECTING with `{closeCode, delayMs, attempt}` (attempt 1 for the first try after a drop), LOST with the status its calls ended with. */
  onStateChange?: (state: SessionState, detail?: unknown) => void;
  /** Each error frame (of a call, or of the session when `call` is null). */
  onError?: (error: FrameError, call: SessionCall<any, any> | null) => void;
}

export interface SessionCall<Req = unknown, Res = unknown> extends Omit<Call<Req, Res>, "url" | "bufferedAmount" | "cancel"> {
  readonly id: number;
  /** Responses received and not yet taken by the iterator: at most the call's credit. */
  readonly bufferedMessages: number;
  /** Resolves at the gateway's first frame of the call other than its status (its request credit, given once the gRPC call can take requests; for a method of one request, at once); rejects with the status of a call that never opened. */
  readonly opened: Promise<void>;
  /** Cancels the call: its status is then CANCELLED. */
  cancel(): void;
}

export interface Session {
  readonly state: SessionState;
  /** Opens a call of `method` (`"package.Service/Method"`); its responses are granted `credit` at a time. */
  openCall<Req = unknown, Res = unknown>(method: string, options?: { credit?: number }): SessionCall<Req, Res>;
  /** While RECONNECTING, tries to resume now rather than at the end of the backoff (e.g. at the browser's `online` event). */
  reconnectNow(): void;
  /** Ends the session; calls still running end CANCELLED. */
  close(): void;
}

export declare function openSession(options?: SessionOptions): Session;

/** keepOpen's `retryable` for a session's calls: UNAVAILABLE, of the call itself or of its session lost by 1001, 1006, 1011 or 4404. */
export declare function retryableOnSession(status: CallStatus): boolean;

export type { AbortSignalLike, CallStatus };
