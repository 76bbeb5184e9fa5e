// The typed chat page (/connect/ on the gateway): a Connect-ES client generated from chat.proto by
// protoc-gen-es, over the gateway's WebSocket transport. Built into the gateway's static files by
// `npm run bundle`. The module also exports the clients and helpers it is built from, so that a
// script on the page (the browser tests) can make its own typed calls.
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { create, createRegistry, equals } from "@bufbuild/protobuf";
import { anyPack, anyUnpack } from "@bufbuild/protobuf/wkt";
import { createWebSocketTransport } from "grpc-ws-bridge-connect";
import { Chat, type Request } from "../gen/chat_pb.js";
import { EverythingSchema, Mood, NestedSchema, Showcase } from "../gen/showcase_pb.js";

export { Code, ConnectError, createClient, anyPack, anyUnpack, create, createRegistry, equals, createWebSocketTransport };
export { Chat, EverythingSchema, Mood, NestedSchema, Showcase };

type State = "connecting" | "connected" | "ended" | "failed";

/** Requests the page sends when the user does, as the async iterable a Connect call reads. */
class Inputs implements AsyncIterable<Request> {
  private readonly waiting: Request[] = [];
  private wake: (() => void) | null = null;

  send(input: string): void {
    this.waiting.push({ $typeName: "chat.Request", input });
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Request> {
    for (;;) {
      const next = this.waiting.shift();
      if (next !== undefined) {
        yield next;
      } else {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
      }
    }
  }
}

const chat = createClient(Chat, createWebSocketTransport({ client: "connect-page" }));
const log = document.getElementById("log") as HTMLOListElement;
const input = document.getElementById("input") as HTMLInputElement;
const state = document.getElementById("state") as HTMLSpanElement;
const stateDetail = document.getElementById("state-detail") as HTMLSpanElement;
let conversation: { inputs: Inputs; abort: AbortController } | null = null;

function show(kind: "input" | "output" | "error" | "event", text: string): void {
  const line = document.createElement("li");
  line.className = `line line-${kind}`;
  line.dataset.kind = kind;
  const body = document.createElement("span");
  body.className = "text";
  body.textContent = text;
  line.append(body);
  log.append(line);
  line.scrollIntoView({ block: "end" });
}

function setState(next: State, detail = ""): void {
  state.dataset.state = next;
  state.textContent = { connecting: "Connecting", connected: "Connected", ended: "Ended", failed: "Failed" }[next];
  stateDetail.textContent = detail;
}

async function converse(): Promise<void> {
  const current = { inputs: new Inputs(), abort: new AbortController() };
  conversation = current;
  setState("connecting");
  try {
    const responses = chat.bidStream(current.inputs, {
      signal: current.abort.signal,
      onHeader: () => setState("connected"),
    });
    setState("connected");
    for await (const response of responses) {
      show("output", response.output);
    }
    setState("ended", "the service ended the conversation");
  } catch (thrown) {
    const error = ConnectError.from(thrown);
    setState(error.code === Code.Canceled ? "ended" : "failed", `${Code[error.code]}: ${error.rawMessage}`);
    show("error", `${Code[error.code]}: ${error.rawMessage}`);
  } finally {
    if (conversation === current) {
      conversation = null;
    }
  }
}

function send(text: string): void {
  if (conversation === null) {
    show("event", "no conversation: start a new one");
    return;
  }
  show("input", text);
  conversation.inputs.send(text);
}

document.getElementById("composer")!.addEventListener("submit", (event) => {
  event.preventDefault();
  if (input.value !== "") {
    send(input.value);
    input.value = "";
  }
});
document.getElementById("cmd-stream")!.addEventListener("click", () => send("返回数据流"));
document.getElementById("cmd-end")!.addEventListener("click", () => send("结束对话"));
document.getElementById("cancel")!.addEventListener("click", () => conversation?.abort.abort());
document.getElementById("restart")!.addEventListener("click", () => {
  conversation?.abort.abort();
  log.replaceChildren();
  void converse();
});
void converse();
