"""Prompt checks shared by the pipelines that read text through a CLIP tokenizer (torch-free)."""
from __future__ import annotations

TAIL_WORDS = 6  # words shown before the place the reference would cut


def overflow_message(tokenizer, prompt: str, what: str = "prompt") -> str | None:
    """None if ``prompt`` fits the tokenizer's ``model_max_length`` (start and end tokens included), else a message
    saying how many tokens are over and where the reference code (``clip.tokenize(..., truncate=True)``, which
    keeps the first ``limit - 1`` tokens and ends them with the end token) would cut it."""
    ids = tokenizer(prompt, truncation=False, verbose=False)["input_ids"]
    limit = tokenizer.model_max_length
    if len(ids) <= limit:
        return None
    kept = tokenizer.decode(ids[1:limit - 1], skip_special_tokens=True, clean_up_tokenization_spaces=False)
    dropped = tokenizer.decode(ids[limit - 1:-1], skip_special_tokens=True, clean_up_tokenization_spaces=False)
    tail = " ".join(kept.split()[-TAIL_WORDS:])
    return (f"{what} is {len(ids)} tokens long; this model reads at most {limit} (start and end tokens included), "
            f"so it is {len(ids) - limit} tokens over. The reference implementation would silently cut it after "
            f"\"...{tail}\", dropping \"{' '.join(dropped.split()[:TAIL_WORDS])}...\"; Conjure does not cut "
            f"prompts: shorten it")


def check_prompt_length(tokenizer, prompt: str, what: str = "prompt") -> None:
    """Raise ValueError (with ``overflow_message``) if ``prompt`` is longer than the tokenizer reads."""
    message = overflow_message(tokenizer, prompt, what)
    if message is not None:
        raise ValueError(message)
