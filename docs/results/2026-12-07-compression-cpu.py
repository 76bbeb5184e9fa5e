# Gateway CPU per message with and without permessage-deflate: /proc/<pid>/stat around a run.
import asyncio, sys, websockets, json, os
URL=sys.argv[1]; PID=int(sys.argv[2])
TICK=os.sysconf('SC_CLK_TCK')
def cpu():
    f=open('/proc/%d/stat'%PID).read().split(')')[1].split()
    return (int(f[11])+int(f[12]))/TICK
LINE=json.dumps({"int32Value":42,"int64Value":"1234567890123","stringValue":"hello world","boolValue":True,"mood":"HAPPY",
     "nested":{"name":"inner","big":"9007199254740993"},"repeatedString":["a","bb","ccc"],
     "stringToInt32":{"one":1,"two":2},"timestamp":"2026-12-07T18:00:00Z","duration":"1.5s"})
async def run(path, comp, n, frame, window=16):
    async with websockets.connect(URL+path, compression='deflate' if comp else None, max_size=None) as ws:
        got=0
        async def reader():
            nonlocal got
            async for m in ws:
                if m.startswith('{"message"') or m.startswith('{"output"'): got+=1
                if got>=n: return
        r=asyncio.create_task(reader())
        for i in range(n):
            while i-got>=window: await asyncio.sleep(0)
            await ws.send(frame(i))
        await r
async def main():
    chat=lambda i: '{"input":"hello, how are you today? message %d"}'%i
    converse=lambda i: json.dumps({"message":{"text":LINE+str(i)}})
    for label,path,frame in (("chat /ws, ~50-byte inputs", "/ws", chat), ("Converse, ~330-byte lines", "/ws/showcase.Showcase/Converse", converse)):
        for comp in (False, True)*4:
            await run(path, comp, 5000, frame)   # warm-up
            c0=cpu(); await run(path, comp, 20000, frame); c1=cpu()
            print("%-28s compression %-5s gateway CPU %.1f µs per message" % (label, comp, (c1-c0)/20000*1e6), flush=True)
asyncio.run(main())
