// End-to-end tests of grpc-ws-bridge against a running gateway that bridges showcase.Showcase and
// chat.Chat (docs/protocol.md, "Method sockets"). GATEWAY_URL=http://127.0.0.1:8080 npm test
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CallError, openCall, unary } from "grpc-ws-bridge";

const GATEWAY_URL = process.env.GATEWAY_URL;
if (!GATEWAY_URL) {
  throw new Error("GATEWAY_URL is not set: run the tests against a gateway, e.g. GATEWAY_URL=http://127.0.0.1:8080 npm test");
}
const base = { baseUrl: GATEWAY_URL, client: "js-client-tests" };
const TIMEOUT = { timeout: 60_000 };

/** Every response of a call, and its status; the iterator's CallError, if any, as `error`. */
async function drain(call) {
  const messages = [];
  let error = null;
  try {
    for await (const message of call) {
      messages.push(message);
    }
  } catch (thrown) {
    error = thrown;
  }
  return { messages, error, status: await call.status, headers: await call.headers };
}

/** A promise and its resolve function, to wait for a callback without sleeping. */
function signal() {
  let resolve;
  const promise = new Promise((r) => (resolve = r));
  return { promise, resolve };
}

describe("unary: showcase.Showcase/Echo", () => {
  test("answers the request with its headers, then an OK status frame with trailers and close 1000", TIMEOUT, async () => {
    const call = openCall("showcase.Showcase/Echo", base);
    await call.opened;
    const request = { stringValue: "héllo 你好 😀", int64Value: "9007199254740993", mood: "CALM", repeatedString: ["a", "b"] };
    await call.send(request);
    const { messages, error, status, headers } = await drain(call);
    assert.equal(error, null);
    assert.equal(messages.length, 1);
    assert.equal(messages[0].stringValue, request.stringValue);
    assert.equal(messages[0].int64Value, "9007199254740993");
    assert.equal(messages[0].mood, "CALM");
    assert.deepEqual(messages[0].repeatedString, ["a", "b"]);
    assert.equal(messages[0].int32Value, 0, "fields with default values are printed too");
    assert.equal(headers["x-showcase-kind"], "unary");
    assert.equal(status.code, "OK");
    assert.equal(status.trailers["x-showcase-trailer"], "done");
    assert.equal(status.closeCode, 1000);
  });

  test("unary() resolves with the message, headers and trailers", TIMEOUT, async () => {
    const { message, headers, trailers, status } = await unary("showcase.Showcase/Echo", { stringValue: "once" }, base);
    assert.equal(message.stringValue, "once");
    assert.equal(headers["x-showcase-kind"], "unary");
    assert.equal(trailers["x-showcase-trailer"], "done");
    assert.equal(status.code, "OK");
  });

  test("a non-OK status surfaces as a CallError with its trailers and close 1000, after no messages", TIMEOUT, async () => {
    const call = openCall("showcase.Showcase/Echo", base);
    await call.send({ failWith: "NOT_FOUND" });
    const { messages, error, status } = await drain(call);
    assert.deepEqual(messages, []);
    assert.ok(error instanceof CallError, `expected a CallError, got ${error}`);
    assert.equal(error.code, "NOT_FOUND");
    assert.equal(error.details, "asked to fail");
    assert.equal(error.trailers["x-showcase-trailer"], "failed");
    assert.equal(error.closeCode, 1000);
    assert.deepEqual(error.status, status, "the iterator's error carries the call's status");
    await assert.rejects(call.send({}), (e) => e instanceof CallError && e.code === "NOT_FOUND", "send rejects once the call ended");

    await assert.rejects(
      unary("showcase.Showcase/Echo", { failWith: "PERMISSION_DENIED" }, base),
      (e) => e instanceof CallError && e.code === "PERMISSION_DENIED" && e.trailers["x-showcase-trailer"] === "failed",
    );
  });
});

describe("server streaming: showcase.Showcase/Count", () => {
  test("yields every tick in order, then ends with OK", TIMEOUT, async () => {
    const call = openCall("showcase.Showcase/Count", base);
    await call.send({ count: 300, paddingBytes: 1000 });
    const { messages, error, status } = await drain(call);
    assert.equal(error, null);
    assert.equal(messages.length, 300);
    messages.forEach((tick, i) => {
      assert.equal(tick.index, String(i), "int64 is a JSON string");
      assert.equal(tick.padding, "x".repeat(1000));
    });
    assert.equal(status.code, "OK");
    assert.equal(status.closeCode, 1000);
  });

  test("breaking out of the loop cancels the call", TIMEOUT, async () => {
    const call = openCall("showcase.Showcase/Count", base);
    await call.send({ count: 1_000_000 });
    let seen = 0;
    for await (const tick of call) {
      assert.equal(tick.index, String(seen));
      if (++seen === 10) break;
    }
    const status = await call.status;
    assert.equal(status.code, "CANCELLED");
    assert.equal(status.closeCode, 1000);
  });
});

describe("client streaming: showcase.Showcase/Sum", () => {
  test("adds up every number sent before end()", TIMEOUT, async () => {
    const call = openCall("showcase.Showcase/Sum", base);
    for (let i = 1; i <= 100; i++) {
      await call.send({ value: i % 2 ? i : String(i) }); // int64 is accepted as a number or a string
    }
    call.end();
    await assert.rejects(call.send({ value: 1 }), TypeError, "send after end() rejects");
    const { messages, error, status } = await drain(call);
    assert.equal(error, null);
    assert.deepEqual(messages, [{ sum: "5050", count: "100", ascending: true }]);
    assert.equal(status.code, "OK");
    assert.equal(status.closeCode, 1000);
  });
});

describe("bidirectional: showcase.Showcase/Converse", () => {
  test("answers each line upper-cased, one at a time, then ends with OK after end()", TIMEOUT, async () => {
    const call = openCall("showcase.Showcase/Converse", base);
    const answers = call[Symbol.asyncIterator]();
    for (const text of ["one", "two", "ünïcode", "三"]) {
      await call.send({ text });
      const next = await answers.next();
      assert.deepEqual(next, { done: false, value: { text: text.toUpperCase() } });
    }
    call.end();
    assert.deepEqual(await answers.next(), { done: true, value: undefined });
    const status = await call.status;
    assert.equal(status.code, "OK");
    assert.equal(status.closeCode, 1000);
  });

  test("an error frame for a bad message reaches onError and does not end the call", TIMEOUT, async () => {
    const errors = [];
    const gotError = signal();
    const call = openCall("showcase.Showcase/Converse", {
      ...base,
      onError: (error, from) => {
        assert.equal(from, call);
        errors.push(error);
        gotError.resolve();
      },
    });
    const answers = call[Symbol.asyncIterator]();
    await call.send({ nope: 1 });
    await gotError.promise;
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, "INVALID_ARGUMENT");
    assert.match(errors[0].message, /nope/, "the error names the field");
    await call.send({ text: "still here" });
    assert.deepEqual(await answers.next(), { done: false, value: { text: "STILL HERE" } });
    call.end();
    assert.deepEqual(await answers.next(), { done: true, value: undefined });
    assert.equal((await call.status).code, "OK");
  });

  test("cancel() closes 1000: the status is CANCELLED, the iterator throws it, later sends reject", TIMEOUT, async () => {
    const call = openCall("showcase.Showcase/Converse", base);
    const answers = call[Symbol.asyncIterator]();
    await call.send({ text: "hello" });
    assert.deepEqual(await answers.next(), { done: false, value: { text: "HELLO" } });
    const pending = answers.next();
    call.cancel("done here");
    await assert.rejects(pending, (e) => e instanceof CallError && e.code === "CANCELLED" && e.closeCode === 1000);
    const status = await call.status;
    assert.deepEqual(status, { code: "CANCELLED", message: "done here", trailers: {}, closeCode: 1000, closeReason: "done here" });
    await assert.rejects(call.send({ text: "too late" }), (e) => e instanceof CallError && e.code === "CANCELLED");
    call.end(); // a no-op now
  });

  test("send() paces on bufferedAmount: 2,000 frames of 8 KiB never exceed maxBufferedBytes + one frame", TIMEOUT, async (t) => {
    const maxBufferedBytes = 64 * 1024;
    const seen = { max: 0, overThreshold: 0, sends: 0 };
    class MeasuringWebSocket extends WebSocket {
      send(data) {
        super.send(data);
        seen.sends++;
        seen.max = Math.max(seen.max, this.bufferedAmount);
        if (this.bufferedAmount >= maxBufferedBytes) seen.overThreshold++;
      }
    }
    const call = openCall("showcase.Showcase/Converse", { ...base, maxBufferedBytes, WebSocket: MeasuringWebSocket });
    const count = 2000;
    // bufferedAmount paces the client against its own socket, not against the backend: the gateway
    // reads every frame and closes 1008 past 512 KiB waiting for the backend (docs/protocol.md#flow-control).
    // So the lines go in bursts of 32 (256 KiB), each after the answers to the one before: every
    // burst is far over maxBufferedBytes, and nothing waits at the gateway past its bound.
    const burst = 32;
    const padding = "x".repeat(8 * 1024);
    let received = 0;
    let answered = null; // resolves when `received` reaches the awaited count
    const reading = (async () => {
      for await (const line of call) {
        assert.equal(line.text, `LINE ${received}:` + padding.toUpperCase());
        received++;
        if (answered && received >= answered.count) answered.resolve();
      }
      return received;
    })();
    reading.catch(() => {}); // awaited below; a failing send must not leave it unhandled
    const allAnswered = (n) =>
      received >= n ? Promise.resolve() : new Promise((resolve) => (answered = { count: n, resolve }));
    let frameBytes = 0;
    for (let i = 0; i < count; i++) {
      if (i % burst === 0) await Promise.race([allAnswered(i), reading]);
      const message = { text: `line ${i}:` + padding };
      frameBytes = Math.max(frameBytes, Buffer.byteLength(JSON.stringify({ message })));
      await call.send(message);
      assert.ok(call.bufferedAmount < maxBufferedBytes, `after send ${i} resolved, bufferedAmount ${call.bufferedAmount}`);
    }
    await call.end();
    assert.equal(await reading, count);
    const status = await call.status;
    t.diagnostic(`max bufferedAmount seen ${seen.max} (limit ${maxBufferedBytes} + frame ${frameBytes}); ${seen.overThreshold} of ${seen.sends} sends went over the threshold and waited`);
    assert.equal(status.code, "OK");
    assert.ok(seen.overThreshold > 0, "the bursts went over maxBufferedBytes: the pacing was exercised");
    assert.ok(seen.max <= maxBufferedBytes + frameBytes, `max bufferedAmount ${seen.max} > ${maxBufferedBytes} + ${frameBytes}`);
  });

  test("a sender that outruns the backend is slowed by the gateway, never closed: every message is answered", TIMEOUT, async (t) => {
    // The other side of the pacing above: without waiting for answers, 2,000 × 8 KiB outrun the
    // backend; the gateway stops reading the socket while the call cannot take more, so
    // bufferedAmount grows and send() waits, and nothing is lost.
    const call = openCall("showcase.Showcase/Converse", base);
    const reading = drain(call);
    const count = 2000;
    const padding = "x".repeat(8 * 1024);
    for (let i = 0; i < count; i++) await call.send({ text: `${i} ${padding}` });
    call.end();
    const { messages, error, status } = await reading;
    t.diagnostic(`sent ${count}; ${status.code} ${status.closeCode}; ${messages.length} answers`);
    assert.equal(error, null);
    assert.equal(status.code, "OK");
    assert.equal(status.closeCode, 1000);
    assert.equal(messages.length, count);
    messages.forEach((message, i) => assert.ok(message.text.startsWith(`${i} X`), `answer ${i} in order`));
  });
});

describe("chat.Chat/BidStream as a method socket", () => {
  test("answers inputs, streams ten outputs, and completes OK after 结束对话", TIMEOUT, async () => {
    const call = openCall("chat.Chat/BidStream", base);
    const answers = call[Symbol.asyncIterator]();
    await call.send({ input: "hi" });
    assert.deepEqual((await answers.next()).value, { output: "服务端返回: hi" }, "no echo on a method socket");
    await call.send({ input: "返回数据流" });
    for (let i = 0; i < 10; i++) {
      assert.deepEqual((await answers.next()).value, { output: `数据流 #${i}` });
    }
    await call.send({ input: "结束对话" });
    assert.deepEqual((await answers.next()).value, { output: "收到结束指令" });
    assert.deepEqual(await answers.next(), { done: true, value: undefined });
    const status = await call.status;
    assert.equal(status.code, "OK");
    assert.equal(status.closeCode, 1000);
  });
});

describe("opening", () => {
  test("an unknown method never opens, and is told apart from an outage: UNIMPLEMENTED, sends reject", TIMEOUT, async () => {
    for (const method of ["showcase.Showcase/Nope", "nope.Nope/Echo", "grpc.health.v1.Health/Check"]) {
      const call = openCall(method, base);
      await assert.rejects(call.opened, (e) => e instanceof CallError && e.code === "UNIMPLEMENTED" && e.closeCode === 1006, method);
      const { messages, error, status, headers } = await drain(call);
      assert.deepEqual(messages, []);
      assert.ok(error instanceof CallError);
      assert.equal(status.code, "UNIMPLEMENTED");
      assert.match(status.message, new RegExp(`unknown method ${method.replace(".", "\\.")}`));
      assert.deepEqual(headers, {});
      await assert.rejects(call.send({}), CallError);
    }
  });

  test("a method the gateway lists but cannot open now is an outage, UNAVAILABLE 1006 (keepOpen retries it)", TIMEOUT, async () => {
    const listing = async () => ({ ok: true, json: async () => ({ methods: [{ name: "showcase.Showcase/Nope" }] }) });
    const call = openCall("showcase.Showcase/Nope", { ...base, fetch: listing });
    const { status } = await drain(call);
    assert.equal(status.code, "UNAVAILABLE");
    assert.equal(status.closeCode, 1006);
  });

  test("the gateway's URL may be given as ws:// and with a trailing slash", TIMEOUT, async () => {
    const wsBase = GATEWAY_URL.replace(/^http/, "ws").replace(/\/*$/, "/");
    const { message } = await unary("showcase.Showcase/Echo", { stringValue: "via ws" }, { baseUrl: wsBase });
    assert.equal(message.stringValue, "via ws");
  });
});
