"""A python-socketio client of polyface's Socket.IO chat, as the source
material's Flask-SocketIO users would write one: log in through the REST
token endpoint, connect with auth={'token': ...}, `login`, `join_room`, wait
for a message from the room, answer it, and report what happened as one JSON
line on stdout. Run by scripts/check-chat-python.ts with Debian's
python3-socketio (/usr/bin/python3); not part of `npm test`.

usage: chat_client.py BASE_URL EMAIL PASSWORD ROOM TRANSPORT
"""
import json
import sys
import threading

import requests
import socketio


def main() -> int:
    base, email, password, room, transport = sys.argv[1:6]
    reply = requests.post(f"{base}/api/v1/auth/token", json={"username": email, "password": password}, timeout=10)
    reply.raise_for_status()
    token = reply.json()["access_token"]

    sio = socketio.Client(reconnection=False)
    heard = threading.Event()
    answered = threading.Event()
    seen = {}

    @sio.on("new_message")
    def on_message(data):
        if data.get("message") == "hello from node":
            seen["from_node"] = data
            heard.set()
        elif data.get("message") == f"hello from python over {transport}":
            seen["own_echo"] = data
            answered.set()

    sio.connect(base, auth={"token": token}, transports=[transport], wait_timeout=10)
    sio.emit("login", {"username": "Py"})
    ack = sio.call("join_room", {"room_id": room}, timeout=10)
    print(json.dumps({"joined": ack, "sid": sio.get_sid()}), flush=True)
    if not heard.wait(10):
        print(json.dumps({"error": "no message from node"}), flush=True)
        sio.disconnect()
        return 1
    sio.emit("send_message", {"room_id": room, "message": f"hello from python over {transport}"})
    ok = answered.wait(10)
    print(json.dumps({"result": seen, "transport": sio.transport()}), flush=True)
    sio.disconnect()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
