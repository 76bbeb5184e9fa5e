// Unit tests of a call's states, through its behaviour only, with a scripted socket (no gateway):
// each way from CONNECTING to ENDED, cancel() from each state, the half-close, and what must not
// happen (a second ending, a send after end(), a second iteration).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CallError, openCall } from "grpc-ws-bridge";
import { noListing, scripted } from "../test-support/scripted-websocket.js";

/** A /bridge/methods that lists `names`; `asked` records each request, `answer()` lets it answer. */
function listing(...names) {
  const asked = [];
  let answer;
  const answered = new Promise((resolve) => (answer = resolve));
  const fetch = async (url) => {
    asked.push(url);
    await answered;
    return { ok: true, json: async () => ({ methods: names.map((name) => ({ name })) }) };
  };
  return { fetch, asked, answer };
}

/** A call of a.B/C on a scripted socket, and that socket. */
function start(options = {}) {
  const sockets = [];
  const call = openCall("a.B/C", { baseUrl: "http://h", WebSocket: scripted(sockets), fetch: noListing, ...options });
  return { call, socket: sockets[0] };
}

/** A call whose socket has opened. */
async function opened(options) {
  const { call, socket } = start(options);
  socket.open();
  await call.opened;
  return { call, socket };
}

/** Every response of a call, and the iterator's error (null if none). */
async function drain(call) {
  const messages = [];
  try {
    for await (const message of call) messages.push(message);
  } catch (error) {
    return { messages, error };
  }
  return { messages, error: null };
}

/** Lets pending promise callbacks and I/O-free tasks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const OK_FRAME = { status: { code: "OK", message: "", trailers: { t: "1" } } };
const CANCELLED = (why) => ({ code: "CANCELLED", message: why, trailers: {}, closeCode: 1000, closeReason: why });

describe("the way through: CONNECTING → OPEN → STATUS_RECEIVED → ENDED", () => {
  test("open, headers, messages, the status frame, its close: every response, then the frame's status with the close's code", async () => {
    const { call, socket } = await opened();
    const reading = drain(call);
    socket.frame({ headers: { h: "v" } });
    socket.frame({ message: 1 });
    socket.frame({ message: 2 });
    socket.frame(OK_FRAME);
    socket.closed(1000, "");
    assert.deepEqual(await reading, { messages: [1, 2], error: null });
    assert.deepEqual(await call.headers, { h: "v" });
    assert.deepEqual(await call.status, { code: "OK", message: "", trailers: { t: "1" }, closeCode: 1000, closeReason: "" });
  });

  test("STATUS_RECEIVED: the iterator ends before the close, frames after the status are ignored, headers resolve {}", async () => {
    const { call, socket } = await opened();
    socket.frame({ message: "a" });
    socket.frame(OK_FRAME);
    socket.frame({ message: "late" });
    socket.frame({ status: { code: "INTERNAL", message: "second" } });
    assert.deepEqual(await drain(call), { messages: ["a"], error: null }, "done without waiting for the close");
    assert.deepEqual(await call.headers, {});
    socket.closed(1000);
    assert.equal((await call.status).code, "OK");
  });

  test("STATUS_RECEIVED: a non-OK status is thrown after the responses, with the close's code", async () => {
    const { call, socket } = await opened();
    socket.frame({ message: "a" });
    socket.frame({ status: { code: "NOT_FOUND", message: "nope" } });
    const reading = drain(call);
    await settle();
    socket.closed(1000);
    const { messages, error } = await reading;
    assert.deepEqual(messages, ["a"]);
    assert.ok(error instanceof CallError);
    assert.deepEqual(error.status, { code: "NOT_FOUND", message: "nope", trailers: {}, closeCode: 1000, closeReason: "" });
  });

  test("STATUS_RECEIVED without a close: after 5 s the call closes the socket 1000 and ends with the frame's status", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { call, socket } = await opened();
    socket.frame(OK_FRAME);
    t.mock.timers.tick(4999);
    assert.equal(socket.closedWith, null);
    t.mock.timers.tick(1);
    assert.equal(socket.closedWith.code, 1000);
    assert.deepEqual(await call.status, { code: "OK", message: "", trailers: { t: "1" }, closeCode: 1000, closeReason: "" });
  });

  test("error frames go to onError and leave the call OPEN", async () => {
    const errors = [];
    const { call, socket } = await opened({ onError: (error, from) => errors.push([error, from]) });
    socket.frame({ error: { code: "INVALID_ARGUMENT", message: "bad" } });
    socket.frame({ error: null });
    await call.send("still open");
    assert.deepEqual(socket.sent, ['{"message":"still open"}']);
    assert.deepEqual(errors, [
      [{ code: "INVALID_ARGUMENT", message: "bad" }, call],
      [{ code: "UNKNOWN", message: "" }, call],
    ]);
  });

  test("a frame that is not a JSON object ends the call INTERNAL and closes the socket 1000", async () => {
    const { call, socket } = await opened();
    socket.raw("[1]");
    assert.deepEqual(socket.closedWith, { code: 1000, reason: "protocol error" });
    const status = await call.status;
    assert.equal(status.code, "INTERNAL");
    assert.equal(status.message, "the gateway sent a frame that is not a JSON object");
  });
});

describe("closes without a status frame: OPEN → ENDED", () => {
  test("a close protocol v1 retries is UNAVAILABLE, any other INTERNAL; the close's code and reason are kept", async () => {
    for (const [code, expected] of [[1001, "UNAVAILABLE"], [1013, "UNAVAILABLE"], [1000, "INTERNAL"], [1009, "INTERNAL"]]) {
      const { call, socket } = await opened();
      socket.closed(code, "why");
      assert.deepEqual(await call.status, { code: expected, message: "why", trailers: {}, closeCode: code, closeReason: "why" });
    }
  });

  test("a close without a reason says which close it was", async () => {
    const { call, socket } = await opened();
    socket.closed(1000);
    assert.equal((await call.status).message, "the socket closed 1000 without a status frame");
  });
});

describe("an error on an open socket: OPEN → FAILING → ENDED", () => {
  test("its close ends the call; what was read before the close is still yielded", async () => {
    const { call, socket } = await opened();
    socket.fail();
    socket.frame({ message: "read before the close" });
    socket.closed(1011, "boom");
    const { messages, error } = await drain(call);
    assert.deepEqual(messages, ["read before the close"]);
    assert.equal(error.code, "UNAVAILABLE");
    assert.equal(error.closeCode, 1011);
  });

  test("no close within 5 s: UNAVAILABLE 1006; a second error does not put it off", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { call, socket } = await opened();
    socket.fail();
    t.mock.timers.tick(3000);
    socket.fail();
    t.mock.timers.tick(2000);
    assert.deepEqual(await call.status, { code: "UNAVAILABLE", message: "the connection was refused or lost (close 1006, no status frame)", trailers: {}, closeCode: 1006, closeReason: "" });
  });

  test("a status frame after the error: STATUS_RECEIVED, then its close", async () => {
    const { call, socket } = await opened();
    socket.fail();
    socket.frame(OK_FRAME);
    socket.closed(1000);
    assert.equal((await call.status).code, "OK");
  });
});

describe("a refused handshake: CONNECTING → REFUSED_CHECKING → ENDED", () => {
  test("a method the listing lacks: UNIMPLEMENTED 1006, opened rejects with it, the listing asked once for error + close", async () => {
    const methods = listing("a.B/Other");
    const { call, socket } = start({ fetch: methods.fetch });
    socket.fail();
    socket.closed(1006);
    methods.answer();
    const status = await call.status;
    assert.equal(status.code, "UNIMPLEMENTED");
    assert.equal(status.closeCode, 1006);
    assert.equal(status.message, "unknown method a.B/C: the gateway does not expose it (see http://h/bridge/methods)");
    await assert.rejects(call.opened, (e) => e instanceof CallError && e.code === "UNIMPLEMENTED");
    assert.deepEqual(methods.asked, ["http://h/bridge/methods"]);
    assert.deepEqual(await call.headers, {});
  });

  test("a method the listing has, or no listing to be had: UNAVAILABLE 1006", async () => {
    const listed = listing("a.B/C");
    listed.answer();
    const notOk = async () => ({ ok: false, json: async () => ({}) });
    for (const fetch of [listed.fetch, noListing, notOk]) {
      const { call, socket } = start({ fetch });
      socket.closed(1006); // a close alone is a refusal too
      const status = await call.status;
      assert.equal(status.code, "UNAVAILABLE");
      assert.equal(status.closeCode, 1006);
      await assert.rejects(call.opened, CallError);
    }
  });

  test("Node's way (an error and no close): the call still ends, and closes its socket", async () => {
    const { call, socket } = start();
    socket.fail();
    assert.equal((await call.status).code, "UNAVAILABLE");
    assert.notEqual(socket.closedWith, null);
  });

  test("a close before the open with another code ends the call without asking the listing", async () => {
    const methods = listing();
    const { call, socket } = start({ fetch: methods.fetch });
    socket.closed(1002, "bad");
    assert.equal((await call.status).code, "INTERNAL");
    assert.deepEqual(methods.asked, []);
  });
});

describe("cancel() from each state", () => {
  test("CONNECTING: CANCELLED, opened rejects, the socket closed 1000 with the reason", async () => {
    const { call, socket } = start();
    call.cancel("not now");
    assert.deepEqual(await call.status, CANCELLED("not now"));
    await assert.rejects(call.opened, (e) => e.code === "CANCELLED");
    assert.deepEqual(socket.closedWith, { code: 1000, reason: "not now" });
  });

  test("OPEN: CANCELLED; a waiting reader wakes with it; a later close changes nothing", async () => {
    const { call, socket } = await opened();
    const reading = drain(call);
    await settle();
    call.cancel();
    const { error } = await reading;
    assert.deepEqual(error.status, CANCELLED("cancelled by the client"));
    socket.closed(1011, "later");
    assert.deepEqual(await call.status, CANCELLED("cancelled by the client"));
  });

  test("FAILING: CANCELLED, and the close deadline is dropped", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { call, socket } = await opened();
    socket.fail();
    call.cancel("bye");
    t.mock.timers.tick(10_000);
    assert.deepEqual(await call.status, CANCELLED("bye"));
  });

  test("REFUSED_CHECKING: CANCELLED at once; the listing's later answer changes nothing", async () => {
    const methods = listing();
    const { call, socket } = start({ fetch: methods.fetch });
    socket.fail();
    await settle();
    call.cancel("gave up");
    methods.answer();
    await settle();
    assert.deepEqual(await call.status, CANCELLED("gave up"));
    await assert.rejects(call.opened, (e) => e.code === "CANCELLED");
  });

  test("STATUS_RECEIVED and ENDED: nothing; the socket is not closed by it", async () => {
    const { call, socket } = await opened();
    socket.frame(OK_FRAME);
    call.cancel("too late");
    assert.equal(socket.closedWith, null);
    socket.closed(1000);
    call.cancel("later still");
    assert.equal((await call.status).code, "OK");
    assert.equal(socket.closedWith, null);
  });

  test("leaving the loop cancels an OPEN call; the iterator is then done", async () => {
    const { call, socket } = await opened();
    socket.frame({ message: 1 });
    socket.frame({ message: 2 });
    const iterator = call[Symbol.asyncIterator]();
    assert.deepEqual(await iterator.next(), { done: false, value: 1 });
    assert.deepEqual(await iterator.return("left"), { done: true, value: "left" });
    assert.deepEqual(await iterator.next(), { done: true, value: undefined }, "message 2 is not yielded after the reader left");
    assert.deepEqual(await call.status, CANCELLED("the reader stopped reading"));
    assert.deepEqual(await iterator.return(), { done: true, value: undefined }, "a second return is harmless");
  });
});

describe("the client's half: SENDING → HALF_CLOSED, whatever the call's state", () => {
  test("half-close, then the status: the end frame follows the sends; later sends reject with a TypeError", async () => {
    const { call, socket } = await opened();
    call.send(1);
    const ended = call.end();
    assert.equal(call.end(), ended, "a second end() is the same promise");
    await ended;
    assert.deepEqual(socket.sent, ['{"message":1}', '{"end":true}']);
    await assert.rejects(call.send(2), TypeError);
    socket.frame({ message: "answer" });
    socket.frame(OK_FRAME);
    socket.closed(1000);
    assert.deepEqual(await drain(call), { messages: ["answer"], error: null });
    await assert.rejects(call.send(3), TypeError, "still a TypeError once the call ended");
  });

  test("end() before the open waits for it; end() after the status frame or on a refused call sends nothing and resolves", async () => {
    const early = start();
    const earlyEnd = early.call.end();
    early.socket.open();
    await earlyEnd;
    assert.deepEqual(early.socket.sent, ['{"end":true}']);

    const late = await opened();
    late.socket.frame(OK_FRAME);
    await late.call.end();
    assert.deepEqual(late.socket.sent, []);

    const refused = start();
    const refusedEnd = refused.call.end();
    refused.socket.fail();
    await refusedEnd;
    assert.deepEqual(refused.socket.sent, []);
  });
});

describe("what must not happen", () => {
  test("a send once the status is known rejects with a CallError carrying the status, and is not sent", async () => {
    const { call, socket } = await opened();
    socket.frame({ status: { code: "ABORTED", message: "no" } });
    const pending = call.send("after the status frame");
    socket.closed(1000);
    await assert.rejects(pending, (e) => e instanceof CallError && e.code === "ABORTED" && e.closeCode === 1000);
    await assert.rejects(call.send("after the end"), (e) => e instanceof CallError && e.code === "ABORTED");
    assert.deepEqual(socket.sent, []);
  });

  test("a send waiting for the socket to drain rejects when the call ends", async () => {
    const { call, socket } = await opened({ maxBufferedBytes: 10 });
    socket.bufferedAmount = 100;
    const sent = call.send("waits");
    await settle();
    socket.closed(1001);
    await assert.rejects(sent, (e) => e instanceof CallError && e.code === "UNAVAILABLE" && e.closeCode === 1001);
  });

  test("the status resolves once: the first ending wins over every later event", async () => {
    const { call, socket } = await opened();
    socket.closed(1001, "first");
    const first = await call.status;
    socket.open();
    socket.frame({ message: "ignored" });
    socket.frame(OK_FRAME);
    socket.fail();
    socket.closed(1000, "second");
    call.cancel("third");
    await settle();
    assert.equal(await call.status, first);
    assert.deepEqual(first, { code: "UNAVAILABLE", message: "first", trailers: {}, closeCode: 1001, closeReason: "first" });
    assert.deepEqual(await drain(call), { messages: [], error: new CallError(first) });
  });

  test("opened never resolves after a refusal, and never rejects after the open", async () => {
    const refused = start();
    refused.socket.fail();
    await assert.rejects(refused.call.opened, CallError);

    const { call, socket } = await opened();
    socket.closed(1011);
    await call.status;
    await call.opened; // still resolved
  });

  test("a call's messages can be iterated only once", async () => {
    const { call } = await opened();
    call[Symbol.asyncIterator]();
    assert.throws(() => call[Symbol.asyncIterator](), TypeError);
  });
});
