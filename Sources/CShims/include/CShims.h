#ifndef CSHIMS_H
#define CSHIMS_H
// Tiny C shims for what Swift cannot do itself. No logic lives here beyond calling the C library
// (and recording a signal in a flag, the one thing a signal handler may do).
//
// libpng reports errors with longjmp, which must never cross Swift frames: the setjmp sits in these
// C functions, and an error comes back as a return value plus a message.

#include <stddef.h>
#include <stdint.h>

// MARK: - PNG

/// Colour types as stored in a PNG header (the values of the PNG specification).
enum {
    CSHIMS_PNG_COLOR_GRAY = 0,
    CSHIMS_PNG_COLOR_RGB = 2,
    CSHIMS_PNG_COLOR_PALETTE = 3,
    CSHIMS_PNG_COLOR_GRAY_ALPHA = 4,
    CSHIMS_PNG_COLOR_RGBA = 6,
};

/// Which chunk a text came from.
enum {
    CSHIMS_PNG_TEXT_TEXT = 0, ///< tEXt: Latin-1, uncompressed
    CSHIMS_PNG_TEXT_ZTXT = 1, ///< zTXt: Latin-1, compressed
    CSHIMS_PNG_TEXT_ITXT = 2, ///< iTXt: UTF-8, compressed or not
};

/// Largest image (in pixels) the reader decodes; bigger headers are refused before allocating.
#define CSHIMS_PNG_MAX_PIXELS ((uint64_t)1 << 28)

/// Largest width or height the reader decodes. The pixel bound alone would let a 2^28 × 1 header
/// through, for which libpng allocates two rows of up to 8 bytes a pixel: 4 GiB from a tiny file.
#define CSHIMS_PNG_MAX_SIDE ((uint32_t)1 << 16)

/// A text chunk read from a file; all strings are owned by the image and freed with it.
typedef struct {
    int kind;                  ///< CSHIMS_PNG_TEXT_*
    char *keyword;             ///< NUL-terminated, Latin-1
    uint8_t *text;             ///< Latin-1 (tEXt, zTXt) or UTF-8 (iTXt) bytes, NUL-terminated too
    size_t text_length;        ///< bytes in `text`, without the NUL
    char *language_tag;        ///< iTXt only (may be empty), else NULL
    char *translated_keyword;  ///< iTXt only (UTF-8, may be empty), else NULL
} cshims_png_text;

/// A decoded PNG: 8-bit RGB or RGBA pixels whatever the file stored, plus what the header said.
typedef struct {
    uint32_t width;
    uint32_t height;
    int color_type;            ///< as stored in the file (CSHIMS_PNG_COLOR_*)
    int bit_depth;             ///< as stored in the file: 1, 2, 4, 8 or 16
    int interlaced;            ///< 1 for Adam7
    int channels;              ///< 3 (RGB) or 4 (RGBA: the file had alpha or a tRNS chunk)
    uint8_t *pixels;           ///< width * height * channels bytes, rows top to bottom
    cshims_png_text *texts;
    int text_count;
    int dropped_text_count;    ///< text chunks libpng warned about and dropped (at least this many)
    char dropped_text_reason[160]; ///< libpng's warning for the first, e.g. "zTXt: …"
} cshims_png_image;

/// Reads the PNG from `descriptor` (open for reading, at the start of the file), which the call
/// takes over and closes in every case. Returns 0 and fills `out` (free with
/// cshims_png_image_free), or returns -1 and writes a one-line reason into `error`; `out` is then
/// empty. The caller opens the file, so that it decides what may be opened (a regular file only).
int cshims_png_read_descriptor(int descriptor, cshims_png_image *out, char *error, size_t error_size);

/// Frees what cshims_png_read allocated and empties the struct; safe on an empty struct.
void cshims_png_image_free(cshims_png_image *image);

/// A text chunk to write. `keyword` and `text` are NUL-terminated; `text` must not contain NUL.
typedef struct {
    const char *keyword;       ///< Latin-1, 1–79 bytes
    const char *text;          ///< Latin-1 for tEXt, UTF-8 for iTXt
    int international;         ///< 1: write iTXt (UTF-8), 0: write tEXt (Latin-1)
} cshims_png_text_in;

/// An image to write, in the layout of the file's own colour type and bit depth.
typedef struct {
    uint32_t width;
    uint32_t height;
    int color_type;            ///< CSHIMS_PNG_COLOR_*
    int bit_depth;             ///< 1, 2, 4, 8 or 16 (as the colour type allows)
    int interlaced;            ///< 1: Adam7 interlacing
    /// Samples, rows top to bottom, no padding: one byte per sample for bit depths up to 8
    /// (a sub-byte sample in the low bits), two bytes big-endian per sample for 16.
    const uint8_t *samples;
    const uint8_t *palette;    ///< RGB triples, palette images only
    int palette_count;
    const uint8_t *palette_alpha; ///< tRNS for palette entries (may be shorter than the palette)
    int palette_alpha_count;
    int has_transparent_color; ///< tRNS for gray / RGB images: this colour is fully transparent
    uint16_t transparent_gray, transparent_red, transparent_green, transparent_blue;
    const cshims_png_text_in *texts;
    int text_count;
} cshims_png_write_request;

/// Encodes the image as a complete PNG in memory. Returns 0 and sets `bytes` (free with
/// cshims_png_bytes_free) and `length`, or returns -1 with a one-line reason in `error` and `bytes`
/// NULL. No file is touched: the caller writes the bytes through its own write policy.
int cshims_png_encode(const cshims_png_write_request *request, uint8_t **bytes, size_t *length,
                      char *error, size_t error_size);

/// Frees what cshims_png_encode returned.
void cshims_png_bytes_free(uint8_t *bytes);

/// The version of the libpng this program runs with, e.g. "1.6.39".
const char *cshims_png_library_version(void);

// MARK: - Stop signals

/// Installs one handler for SIGINT, SIGTERM and SIGQUIT. Until cshims_set_graceful_stop(1) it ends
/// the process at once with status 128 + the signal's number (no core dump, no backtrace); in
/// graceful mode the first signal is only recorded (read it with cshims_received_stop_signal) so
/// the program can stop cleanly, and a second one ends the process at once. Returns 0, or -1.
int cshims_install_stop_signal_handlers(void);

/// Graceful mode on (1) or off (0): see cshims_install_stop_signal_handlers.
void cshims_set_graceful_stop(int on);

/// The first stop signal received in graceful mode, or 0.
int cshims_received_stop_signal(void);

#endif
