"""The sample county generator: realistic inputs plus the answer key they must produce."""

from edupoverty.sample.writer import SampleManifest, generate_sample

__all__ = ["SampleManifest", "generate_sample"]
