#!/usr/bin/env python3
"""A scripted OpenAI-compatible chat-completions server for the API fuzz run.

Every streamed request gets the same short revision as server-sent events, so
the refine endpoints answer as they would with a model configured; anything
else is refused (400). Prints its base URL (…/v1) once listening; stops on
SIGTERM.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PIECES = ["Subject: Our session\n\n", "Thank you for today.\n\n", "See you soon."]


def event(payload):
    return f"data: {json.dumps(payload)}\n\n".encode()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        try:
            sent = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            sent = {}
        if self.path != "/v1/chat/completions" or not sent.get("stream"):
            body = json.dumps({"error": {"message": "the scripted model only streams"}}).encode()
            self.send_response(400)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        chunk = lambda delta, finish: {  # noqa: E731
            "model": "scripted-model",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        for piece in PIECES:
            self.wfile.write(event(chunk({"content": piece}, None)))
        self.wfile.write(event(chunk({}, "stop")))
        self.wfile.write(event({"model": "scripted-model", "choices": [],
                                "usage": {"prompt_tokens": 300, "completion_tokens": 12}}))
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *_):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"http://127.0.0.1:{server.server_address[1]}/v1", flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
sys.exit(0)
