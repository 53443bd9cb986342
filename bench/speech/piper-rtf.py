"""Piper's own real-time factor: the voice loaded once, one warm-up, then `rounds` timed syntheses.
Prints one JSON line: audio seconds, wall and CPU seconds of inference per round, load seconds."""
import io, json, sys, time, wave
from piper import PiperVoice

model, rounds, text = sys.argv[1], int(sys.argv[2]), sys.stdin.read()
t0 = time.perf_counter()
voice = PiperVoice.load(model)
load = time.perf_counter() - t0


def once():
    buf = io.BytesIO()
    w0, c0 = time.perf_counter(), time.process_time()
    with wave.open(buf, "wb") as wav:
        voice.synthesize_wav(text, wav)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    buf.seek(0)
    with wave.open(buf, "rb") as wav:
        audio = wav.getnframes() / wav.getframerate()
    return {"audio": audio, "wall": wall, "cpu": cpu}


once()
print(json.dumps({"load": load, "rounds": [once() for _ in range(rounds)]}))
