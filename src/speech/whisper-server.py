"""The platform's offline speech recogniser: Whisper (faster-whisper, CTranslate2, CPU) behind
OpenAI's transcription API, so the worker's OpenAI transcription path is the one used offline.

    python3 whisper-server.py --model DIR [--name whisper-tiny.en] [--host 127.0.0.1] [--port 8178] [--threads 2]
    python3 whisper-server.py --model DIR --stdio    # one JSON request per line on stdin (benchmark)

POST /v1/audio/transcriptions takes the multipart form OpenAI's client sends (file, model,
language, response_format json|verbose_json, temperature) and answers verbose_json with segments
and words; each word also carries Whisper's `probability`, which OpenAI's own API leaves out.
A recording with less than 0.3 s above -40 dBFS gets no text and `sound_seconds`, its seconds of sound.
GET /health answers {"status":"ok","model":...} once the model is loaded.

One recording is transcribed at a time (the CPU's threads all go to it); others wait their turn.
If the client goes away (its worker was killed, its activity timed out), the transcription stops
at the next 30-second window instead of running on for nobody.

Word times are Whisper's, trimmed to where the audio actually sounds (see tighten).
Whisper writes "um" and "uh" only when its prompt shows them, so the prompt below does: filled
pauses are a fluency measure. The prompt also says who speaks, which helps with Vietnamese names. Bracketed non-speech tags ([BLANK_AUDIO], (music)) are dropped.
"""

import argparse
import email.parser
import email.policy
import io
import json
import math
import os
import re
import select
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Whisper's prompt: who is speaking (so "Vietnam", "Hanoi" and the like are expected) and
# hesitations written out (so filled pauses are transcribed, not dropped).
PROMPT = "A student from Vietnam answers a VSTEP speaking question. Um, uh, so, er, I think, um, it's, uh, like this."
TAG_END = re.compile(r"[\])][.,!?]*$")
# Seconds above -40 dBFS a recording needs before it is worth recognising.
MIN_SOUND_SECONDS = 0.3


class Gone(Exception):
    """The client closed its connection: nobody is waiting for this transcription."""


class Undecodable(Exception):
    """The uploaded bytes are not audio the decoder can read."""


def frame_rms(audio, frame_seconds, rate=16000):
    """The RMS of each whole frame of `frame_seconds` (an empty array for a shorter recording)."""
    import numpy as np

    frame = int(rate * frame_seconds)
    usable = len(audio) - len(audio) % frame
    return np.sqrt(np.mean(audio[:usable].reshape(-1, frame).astype(np.float64) ** 2, axis=1)) if usable > 0 else np.zeros(0)


def sound_seconds(audio):
    """Seconds of 20 ms frames louder than -40 dBFS."""
    return float((frame_rms(audio, 0.02) > 0.01).sum()) * 0.02


def spoken(words):
    """The words outside bracketed tags; a tag such as [BLANK_AUDIO] may span several words."""
    kept, in_tag = [], False
    for word in words:
        text = word.word.strip()
        if text.startswith(("[", "(")):
            in_tag = True
        if not in_tag and text:
            kept.append(word)
        if in_tag and TAG_END.search(text):
            in_tag = False
    return kept


def sounding_frames(audio, frame_seconds=0.01):
    """Per 10 ms frame: is it louder than the recording's silence (-40 dBFS, or 30 dB under its loud frames)?"""
    import numpy as np

    rms = frame_rms(audio, frame_seconds)
    if len(rms) == 0:
        return np.zeros(0, dtype=bool)
    return rms > max(0.01, float(np.percentile(rms, 95)) * 10 ** (-30 / 20))


def tighten(words, sounding, frame_seconds=0.01):
    """Whisper's word times come from attention and run on into the silence after a word; each
    word is trimmed to the sounding frames inside it, so silent pauses are measured from the audio.
    A word with no sounding frame (noise drowned the silence, or a whisper) keeps Whisper's times."""
    for word in words:
        first, last = int(word["start"] / frame_seconds), min(len(sounding), int(math.ceil(word["end"] / frame_seconds)))
        while first < last and not sounding[first]:
            first += 1
        while last > first and not sounding[last - 1]:
            last -= 1
        if first < last:
            word["start"], word["end"] = round(first * frame_seconds, 3), round(last * frame_seconds, 3)
    return words


class Recogniser:
    def __init__(self, model_dir, name, threads, beam_size):
        from faster_whisper import WhisperModel

        self.name = name
        self.model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=threads)
        self.beam_size = beam_size
        self.lock = threading.Lock()

    def transcribe(self, source, language="en", temperature=0.0, alive=lambda: True):
        from faster_whisper.audio import decode_audio

        try:
            audio = decode_audio(source, sampling_rate=16000)
        except Exception as exc:  # PyAV (FFmpeg) refused the bytes: the recording is the problem
            raise Undecodable(str(exc)) from exc
        duration = len(audio) / 16000
        sound = sound_seconds(audio)
        if sound < MIN_SOUND_SECONDS:
            # No text, and the platform's own field saying why.
            return {"task": "transcribe", "language": language or "en", "duration": duration, "text": "", "segments": [], "words": [], "sound_seconds": sound}
        with self.lock:
            if not alive():
                raise Gone()
            pieces, info = self.model.transcribe(
                audio,
                language=language or "en",
                temperature=temperature if temperature else [0.0, 0.2, 0.4, 0.6, 0.8, 1.0],
                beam_size=self.beam_size,
                word_timestamps=True,
                condition_on_previous_text=False,
                initial_prompt=PROMPT,
                suppress_tokens=[],
            )
            segments, words = [], []
            for piece in pieces:
                if not alive():
                    raise Gone()
                kept = spoken(piece.words or [])
                if not kept:
                    continue
                segments.append(
                    {
                        "id": len(segments),
                        "start": piece.start,
                        "end": piece.end,
                        "text": "".join(w.word for w in kept).strip(),
                        "avg_logprob": piece.avg_logprob,
                        "no_speech_prob": piece.no_speech_prob,
                        "compression_ratio": piece.compression_ratio,
                        "temperature": piece.temperature,
                    }
                )
                words.extend({"word": w.word.strip(), "start": w.start, "end": w.end, "probability": w.probability} for w in kept)
        tighten(words, sounding_frames(audio))
        return {
            "task": "transcribe",
            "language": info.language,
            "duration": duration,
            "text": " ".join(s["text"] for s in segments),
            "segments": segments,
            "words": words,
        }


def form_fields(content_type, body):
    """The parts of a multipart/form-data body: {name: (bytes, filename)}."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise ValueError("the request is not multipart/form-data")
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            fields[name] = (part.get_payload(decode=True) or b"", part.get_filename())
    return fields


def make_handler(recogniser, max_bytes):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, payload):
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def error(self, status, message):
            self.reply(status, {"error": {"message": message, "type": "invalid_request_error"}})

        def alive(self):
            """False once the client has closed its end (readable with nothing to read)."""
            try:
                readable, _, _ = select.select([self.connection], [], [], 0)
                return not readable or self.connection.recv(1, socket.MSG_PEEK) != b""
            except OSError:
                return False

        def handle_one_request(self):
            try:
                super().handle_one_request()
            except Exception as exc:  # a fault of the server, not of the request: answer 500 (retried)
                self.close_connection = True
                try:
                    self.reply(500, {"error": {"message": f"the recogniser failed: {exc}", "type": "server_error"}})
                except OSError:
                    pass

        def do_GET(self):
            if self.path == "/health":
                self.reply(200, {"status": "ok", "model": recogniser.name})
            elif self.path == "/v1/models":
                self.reply(200, {"object": "list", "data": [{"id": recogniser.name, "object": "model"}]})
            else:
                self.error(404, f"no such path: {self.path}")

        def do_POST(self):
            # A request refused before its body is read leaves that body on the connection: close it.
            if self.path != "/v1/audio/transcriptions":
                self.close_connection = True
                return self.error(404, f"no such path: {self.path}")
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length <= 0 or length > max_bytes:
                self.close_connection = True
                return self.error(413 if length > max_bytes else 400, "send the recording as multipart/form-data with a Content-Length")
            try:
                fields = form_fields(self.headers.get("Content-Type", ""), self.rfile.read(length))
                if "file" not in fields:
                    raise ValueError("the form has no file")
                text = lambda key, default: fields[key][0].decode() if key in fields else default
                language = text("language", "en")
                temperature = float(text("temperature", "0") or 0)
                verbose = text("response_format", "json") == "verbose_json"
            except (ValueError, UnicodeDecodeError) as exc:
                return self.error(400, str(exc))
            started = time.monotonic()
            try:
                answer = recogniser.transcribe(io.BytesIO(fields["file"][0]), language=language, temperature=temperature, alive=self.alive)
            except Gone:
                self.close_connection = True
                return None
            except Undecodable as exc:
                return self.reply(400, {"error": {"message": f"the recording could not be decoded: {exc}", "type": "invalid_request_error", "code": "undecodable_audio"}})
            # Anything else is the server's fault (500): the worker retries it, the recording is not blamed.
            sys.stderr.write(f"transcribed {answer['duration']:.1f} s of audio in {time.monotonic() - started:.2f} s\n")
            return self.reply(200, answer if verbose else {"text": answer["text"]})

    return Handler


def watch_parent():
    """Exits once this process is orphaned (its parent was killed, even with -9), freeing the port."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def serve_stdio(recogniser):
    """One JSON object per line in ({"path": ...}), one per line out: the sidecar way, for comparison."""
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = recogniser.transcribe(request["path"], language=request.get("language", "en"))
        except Exception as exc:
            answer = {"error": str(exc)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="a CTranslate2 Whisper model directory")
    parser.add_argument("--name", default="whisper-tiny.en", help="the model name the server reports")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8178)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--beam-size", type=int, default=5)
    # Uploads are at most AUDIO_MAX_BYTES (25 MiB by default); the multipart form adds a little.
    parser.add_argument("--max-bytes", type=int, default=64 * 1024 * 1024)
    parser.add_argument("--stdio", action="store_true")
    parser.add_argument("--exit-with-parent", action="store_true", help="exit when the process that started it is gone (npm start, the tests)")
    args = parser.parse_args()
    if args.exit_with_parent:
        watch_parent()
    recogniser = Recogniser(args.model, args.name, args.threads, args.beam_size)
    if args.stdio:
        return serve_stdio(recogniser)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(recogniser, args.max_bytes))
    server.daemon_threads = True
    sys.stderr.write(f"whisper-server: {recogniser.name} on http://{args.host}:{server.server_address[1]}\n")
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
