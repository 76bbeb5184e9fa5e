# Bytes on the wire with and without permessage-deflate: every byte the client's TCP connection
# carries after the handshake, counted at the asyncio transport.
import asyncio, sys, websockets, json
URL=sys.argv[1]
class Counting(websockets.WebSocketClientProtocol):
    def connection_made(self, transport):
        self.rx=0; self.tx=0
        write=transport.write
        def counted(data):
            self.tx+=len(data); write(data)
        transport.write=counted
        super().connection_made(transport)
    def data_received(self, data):
        self.rx+=len(data); super().data_received(data)
def conn(path, comp):
    return websockets.connect(URL+path, compression='deflate' if comp else None, max_size=None, create_protocol=Counting)
async def chat(comp, n):
    async with conn('/ws', comp) as ws:
        t0,r0=ws.tx,ws.rx
        for i in range(n):
            await ws.send(json.dumps({"input":"hello, how are you today? message %d"%i}, ensure_ascii=False))
            await ws.recv(); await ws.recv()
        return ws.tx-t0, ws.rx-r0
MSG={"int32Value":42,"int64Value":"1234567890123","stringValue":"hello world","boolValue":True,"mood":"HAPPY",
     "nested":{"name":"inner","big":"9007199254740993"},"repeatedString":["a","bb","ccc"],
     "stringToInt32":{"one":1,"two":2},"timestamp":"2026-12-07T18:00:00Z","duration":"1.5s"}
async def echo(comp, n):
    tx=rx=0
    for i in range(n):
        ws=await conn('/ws/showcase.Showcase/Echo', comp)
        t0,r0=ws.tx,ws.rx
        await ws.send(json.dumps({"message":MSG}))
        try:
            while True: await ws.recv()
        except websockets.ConnectionClosed: pass
        tx+=ws.tx-t0; rx+=ws.rx-r0
    return tx, rx
async def stream(comp, n, pad):
    async with conn('/ws/showcase.Showcase/Count', comp) as ws:
        t0,r0=ws.tx,ws.rx
        await ws.send(json.dumps({"message":{"count":n,"paddingBytes":pad}}))
        try:
            while True: await ws.recv()
        except websockets.ConnectionClosed: pass
        return ws.tx-t0, ws.rx-r0
async def main():
    for comp in (False, True):
        c=await chat(comp, 1000)
        e=await echo(comp, 100)
        s=await stream(comp, 1000, 0)
        s2=await stream(comp, 1000, 4000)
        print("compression %-5s | chat, 1000 round trips: up %d, down %d | Echo(Everything) x100: up %d, down %d | Count, 1000 ticks: down %d | 1000 ticks of 4 KB: down %d" % (comp, c[0], c[1], e[0], e[1], s[1], s2[1]))
asyncio.run(main())
