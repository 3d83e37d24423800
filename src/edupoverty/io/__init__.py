"""I/O adapters: readers that turn files into canonical frames, and the output writers."""

from edupoverty.io.loading import LoadedInputs, load_inputs

__all__ = ["LoadedInputs", "load_inputs"]
