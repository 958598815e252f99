# Included by _kernels.pyx (shares its cimports and module state).
# CRC-32C (Castagnoli), the checksum of TFRecord files (TensorBoard event files).
# A byte-at-a-time table walk: ~1 ns per byte, where Python's loop took ~100.

cdef uint32_t _CRC32C_TABLE[256]


cdef void _crc32c_init() noexcept nogil:
    cdef uint32_t i, c
    cdef int b
    for i in range(256):
        c = i
        for b in range(8):
            c = (c >> 1) ^ 0x82F63B78u if c & 1u else c >> 1
        _CRC32C_TABLE[i] = c


_crc32c_init()


def crc32c(const unsigned char[::1] data):
    """CRC-32C of a bytes-like object.

    >>> hex(crc32c(b"123456789"))
    '0xe3069283'
    """
    cdef uint32_t crc = 0xFFFFFFFFu
    cdef Py_ssize_t i, n = data.shape[0]
    with nogil:
        for i in range(n):
            crc = _CRC32C_TABLE[(crc ^ data[i]) & 0xFFu] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFFu
