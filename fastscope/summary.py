"""``tf.summary`` (TF1): scalar summaries and the TensorBoard event-file writer."""
from fastscope._src.summary import (FileWriter, audio, histogram, image, merge,  # noqa: F401
                                    merge_all, scalar, text)
