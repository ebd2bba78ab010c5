"""A TCP proxy that delays everything it passes, to measure a database as far as a real one.

    .venv/bin/python benchmarks/latency_proxy.py --listen 6543 --to 5432 --delay-ms 5

Listens on 127.0.0.1:``--listen`` and forwards each connection to 127.0.0.1:``--to``; every
chunk read from either side is written to the other ``--delay-ms`` later (each way, so a
round trip gains twice that), in order, without holding up the chunks behind it: a stream
keeps its rate, only later. Nothing is dropped or reordered. Runs until killed; prints
``listening`` once it accepts connections. (``tc netem`` would do this in the kernel; these
VMs have no ``sch_netem``.) ``benchmarks/db_tables.py --delay-ms`` starts it.
"""

from __future__ import annotations

import argparse
import asyncio


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                delay: float) -> None:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def send() -> None:
        while True:
            due, data = await queue.get()
            if not data:
                writer.close()
                return
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()

    sender = asyncio.create_task(send())
    try:
        while data := await reader.read(1 << 16):
            queue.put_nowait((loop.time() + delay, data))
    finally:
        queue.put_nowait((0.0, b""))
        await sender


async def _serve(listen: int, to: int, delay: float) -> None:
    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", to)
        except OSError:
            client_w.close()
            return
        await asyncio.gather(_pipe(client_r, server_w, delay), _pipe(server_r, client_w, delay),
                             return_exceptions=True)

    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    print("listening", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--to", type=int, required=True)
    parser.add_argument("--delay-ms", type=float, default=5.0)
    args = parser.parse_args()
    asyncio.run(_serve(args.listen, args.to, args.delay_ms / 1000))


if __name__ == "__main__":
    main()
