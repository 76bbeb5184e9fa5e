// End-to-end tests of grpc-ws-session (protocol v2) against a running gateway that bridges
// showcase.Showcase and chat.Chat. GATEWAY_URL=http://127.0.0.1:8080 npm test
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { CallError } from "grpc-ws-bridge";
import { openSession } from "grpc-ws-bridge/session";

const GATEWAY_URL = process.env.GATEWAY_URL;
if (!GATEWAY_URL) {
  throw new Error("GATEWAY_URL is not set: run the tests against a gateway, e.g. GATEWAY_URL=http://127.0.0.1:8080 npm test");
}
const TIMEOUT = { timeout: 120_000 };

async function all(call) {
  const messages = [];
  for await (const message of call) messages.push(message);
  return messages;
}

/** Resolves when `predicate()` holds, checked after each of the session's state changes or every 10 ms. */
async function until(predicate) {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** A TCP proxy to the gateway whose connections the test can cut without a close frame. */
async function cuttingProxy() {
  const target = new URL(GATEWAY_URL);
  const open = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    open.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    cut() {
      for (const socket of open) socket.resetAndDestroy?.() ?? socket.destroy();
      open.clear();
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe("sessions (protocol v2)", () => {
  test("100 calls of every kind on one session; an unread call holds at its credit and holds up no other", TIMEOUT, async () => {
    const session = openSession({ baseUrl: GATEWAY_URL, client: "session-tests" });
    const stalled = session.openCall("showcase.Showcase/Count", { credit: 5 });
    await stalled.send({ count: 1000, paddingBytes: 100 });
    const cancelled = session.openCall("showcase.Showcase/Count", { credit: 1 });
    await cancelled.send({ count: 1_000_000 });
    const runs = [];
    for (let i = 0; i < 98; i++) {
      switch (i % 4) {
        case 0:
          runs.push((async () => {
            const call = session.openCall("showcase.Showcase/Echo");
            await call.send({ stringValue: `echo ${i}` });
            assert.equal((await all(call))[0].stringValue, `echo ${i}`);
          })());
          break;
        case 1:
          runs.push((async () => {
            const call = session.openCall("showcase.Showcase/Sum");
            for (let n = 1; n <= 20; n++) await call.send({ value: n });
            await call.end();
            assert.deepEqual(await all(call), [{ sum: "210", count: "20", ascending: true }]);
          })());
          break;
        case 2:
          runs.push((async () => {
            const call = session.openCall("showcase.Showcase/Count", { credit: 4 });
            await call.send({ count: 50 });
            assert.deepEqual((await all(call)).map((t) => t.index), Array.from({ length: 50 }, (_, n) => String(n)));
          })());
          break;
        default:
          runs.push((async () => {
            const call = session.openCall("chat.Chat/BidStream");
            const answers = call[Symbol.asyncIterator]();
            await call.send({ input: "hi" });
            assert.equal((await answers.next()).value.output, "服务端返回: hi");
            await call.send({ input: "结束对话" });
            assert.equal((await answers.next()).value.output, "收到结束指令");
            assert.equal((await answers.next()).done, true);
          })());
      }
    }
    await Promise.all(runs);
    assert.equal(stalled.bufferedMessages, 5, "the unread call holds what it granted, no more");
    cancelled.cancel();
    await assert.rejects(all(cancelled), (e) => e instanceof CallError && e.code === "CANCELLED");
    const ticks = await all(stalled);
    assert.equal(ticks.length, 1000);
    ticks.forEach((tick, n) => assert.equal(tick.index, String(n)));
    assert.equal((await stalled.status).code, "OK");
    session.close();
  });

  test("a call granted 10 responses and not read holds exactly 10", TIMEOUT, async () => {
    const session = openSession({ baseUrl: GATEWAY_URL });
    const call = session.openCall("showcase.Showcase/Count", { credit: 10 });
    await call.send({ count: 100 });
    await until(() => call.bufferedMessages === 10);
    const probe = session.openCall("showcase.Showcase/Echo");
    await probe.send({ stringValue: "probe" });
    await all(probe); // a whole call on the same socket: an eleventh response had time to come
    assert.equal(call.bufferedMessages, 10);
    assert.equal((await all(call)).length, 100);
    session.close();
  });

  test("a slow reader of 20,000 responses of 4 KB never holds more than its credit", TIMEOUT, async () => {
    const session = openSession({ baseUrl: GATEWAY_URL });
    const call = session.openCall("showcase.Showcase/Count", { credit: 32 });
    await call.send({ count: 20_000, paddingBytes: 4096 });
    let most = 0;
    let expected = 0;
    for await (const tick of call) {
      most = Math.max(most, call.bufferedMessages + 1);
      assert.equal(tick.index, String(expected++));
      if (expected % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 1)); // a reader slower than the stream
    }
    assert.equal(expected, 20_000);
    assert.ok(most <= 32, `the call held ${most} responses at most, over its credit of 32`);
    session.close();
  });

  test("three connections cut without a close: the session resumes each time, every output and input once and in order", TIMEOUT, async (t) => {
    const proxy = await cuttingProxy();
    const states = [];
    const session = openSession({
      baseUrl: proxy.url,
      backoff: () => 50,
      onStateChange: (state, detail) => states.push(detail === "resumed" ? "RESUMED" : state),
    });
    const ticks = session.openCall("showcase.Showcase/Count", { credit: 64 });
    await ticks.send({ count: 10_000, paddingBytes: 100 });
    const sum = session.openCall("showcase.Showcase/Sum");
    const cutsAt = new Set([2_000, 5_000, 8_000].map((n) => n + Math.floor(Math.random() * 1_000)));
    t.diagnostic(`cutting after ${[...cutsAt].join(", ")} ticks`);
    const sending = (async () => {
      for (let n = 1; n <= 5_000; n++) await sum.send({ value: n });
      await sum.end();
    })();
    let expected = 0;
    for await (const tick of ticks) {
      assert.equal(tick.index, String(expected), "every tick once, in order");
      expected++;
      if (cutsAt.has(expected)) proxy.cut();
    }
    assert.equal(expected, 10_000);
    await sending;
    assert.deepEqual(await all(sum), [{ sum: "12502500", count: "5000", ascending: true }]);
    assert.deepEqual(states.filter((s) => s === "RECONNECTING" || s === "RESUMED"),
      ["RECONNECTING", "RESUMED", "RECONNECTING", "RESUMED", "RECONNECTING", "RESUMED"]);
    session.close();
    await proxy.close();
  });
});
