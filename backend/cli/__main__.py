import sys

from ..determinism import pin_blas

pin_blas()  # before anything imports numpy
from .app import main  # noqa: E402

sys.exit(main())
