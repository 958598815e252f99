"""``tf.summary`` (TF1): scalar summaries and the TensorBoard event-file writer."""
from fastscope._src.missing import missing_attribute as _missing_attribute
from fastscope._src.summary.summary_ops import (audio, histogram, image, merge, merge_all,
                                                scalar, text)
from fastscope._src.summary.writer import FileWriter

__all__ = ["FileWriter", "audio", "histogram", "image", "merge", "merge_all", "scalar", "text"]


def __getattr__(name):
    raise _missing_attribute(__name__, name)
