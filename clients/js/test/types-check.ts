// A typed usage sample: `npm run typecheck` compiles it (strict, noEmit) against grpc-ws-bridge.d.ts,
// imported by the package's own name as a page's bundler would. It is never run.
import { openSession, retryableOnSession, type Session, type SessionCall, SessionState } from "grpc-ws-bridge/session";
import {
  backoff,
  CallError,
  keepOpen,
  openCall,
  retryable,
  unary,
  type Call,
  type CallStatus,
  type FrameError,
  type Metadata,
} from "grpc-ws-bridge";

// The showcase service's messages in protobuf's JSON mapping (int64 is a string on the way out).
interface Everything {
  stringValue?: string;
  int64Value?: string;
  failWith?: string;
}
interface CountRequest {
  count: number;
  paddingBytes?: number;
}
interface Tick {
  index: string;
  padding: string;
}
interface NumberMessage {
  value: number | string;
}
interface Total {
  sum: string;
  count: string;
}
interface Line {
  text: string;
}
interface ChatRequest {
  input: string;
}
interface ChatResponse {
  output: string;
}

declare const token: string;
const base = { baseUrl: "http://127.0.0.1:8080", client: "types-check" };

export async function unaryEcho(): Promise<string> {
  const { message, headers, trailers } = await unary<Everything, Everything>(
    "showcase.Showcase/Echo",
    { stringValue: "hi" },
    { ...base, token },
  );
  const kind: string | undefined = headers["x-showcase-kind"];
  const done: string | undefined = trailers["x-showcase-trailer"];
  return `${message.stringValue} ${kind} ${done}`;
}

export async function unaryFailure(): Promise<CallStatus | undefined> {
  try {
    await unary<Everything, Everything>("showcase.Showcase/Echo", { failWith: "NOT_FOUND" }, base);
    return undefined;
  } catch (error) {
    if (error instanceof CallError) {
      const code: string = error.code;
      const closeCode: number = error.closeCode;
      const trailers: Metadata = error.trailers;
      void code, closeCode, trailers;
      return error.status;
    }
    throw error;
  }
}

export async function serverStreaming(): Promise<number> {
  const call = openCall<CountRequest, Tick>("showcase.Showcase/Count", base);
  await call.send({ count: 10, paddingBytes: 16 });
  let last = -1;
  for await (const tick of call) {
    last = Number(tick.index); // Tick.index is an int64: a JSON string
  }
  const status: CallStatus = await call.status;
  return status.code === "OK" ? last : -1;
}

export async function clientStreaming(): Promise<Total> {
  const call = openCall<NumberMessage, Total>("showcase.Showcase/Sum", {
    ...base,
    maxBufferedBytes: 16 * 1024,
    onError: (error: FrameError) => console.warn(error.code, error.message),
  });
  for (const value of [1, 2, "3"]) {
    await call.send({ value });
  }
  call.end();
  for await (const total of call) {
    return total;
  }
  throw new Error("no total");
}

export async function bidirectional(lines: string[]): Promise<string[]> {
  const controller = new AbortController();
  const call: Call<Line, Line> = openCall<Line, Line>("showcase.Showcase/Converse", {
    ...base,
    signal: controller.signal,
    WebSocket: globalThis.WebSocket,
  });
  await call.opened;
  const writing = (async () => {
    for (const text of lines) {
      await call.send({ text });
    }
    call.end();
  })();
  const answers: string[] = [];
  for await (const line of call) {
    answers.push(line.text);
  }
  await writing;
  const headers: Metadata = await call.headers;
  void headers;
  return answers;
}

export function chat(onOutput: (text: string) => void): () => void {
  const conversation = keepOpen<ChatRequest, ChatResponse>(
    (attempt: number) => openCall("chat.Chat/BidStream", { ...base, client: `chat-${attempt}` }),
    {
      onCall: (call: Call<ChatRequest, ChatResponse>) => {
        void call.send({ input: "hi" }).catch(() => {});
        void (async () => {
          for await (const response of call) {
            onOutput(response.output);
          }
        })().catch((error: unknown) => console.warn(error));
      },
      onRetry: (status: CallStatus, delayMs: number, attempt: number) =>
        console.info(`closed ${status.closeCode}; retry ${attempt} in ${delayMs} ms`),
      onEnd: (status: CallStatus) => console.info("chat over:", status.code, status.closeCode),
    },
  );
  const current: Call<ChatRequest, ChatResponse> | null = conversation.call;
  void current;
  return () => conversation.stop("page closed");
}

export const policy: [boolean, number] = [retryable(1006), backoff(3)];

// Sessions (protocol v2): many calls on one socket, typed the same way.
export async function sessionChat(onOutput: (text: string) => void): Promise<void> {
  const session: Session = openSession({
    client: "3f9a0c1e",
    credit: 16,
    onStateChange: (state: SessionState) => console.info("session", state),
  });
  const chat: SessionCall<ChatRequest, ChatResponse> = session.openCall<ChatRequest, ChatResponse>("chat.Chat/BidStream");
  await chat.send({ input: "返回数据流" });
  for await (const response of chat) {
    onOutput(response.output);
  }
  const held: number = chat.bufferedMessages;
  void held;
  // keepOpen over a session's calls: the call type is the session's (its third type parameter).
  const kept = keepOpen<ChatRequest, ChatResponse, SessionCall<ChatRequest, ChatResponse>>(
    () => session.openCall<ChatRequest, ChatResponse>("chat.Chat/BidStream"),
    {
      retryable: retryableOnSession,
      onCall: (call: SessionCall<ChatRequest, ChatResponse>) => console.info("call", call.id, call.bufferedMessages),
    },
  );
  await kept.call?.send({ input: "你好" });
  kept.stop();
  session.close();
}
