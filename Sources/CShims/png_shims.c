// libpng behind two calls whose errors come back as strings. libpng signals errors by longjmp;
// the setjmp sits in the *_body functions below, so the jump never crosses a Swift frame.
// Everything that must be freed after a jump lives in a state struct owned by the caller of the
// body, never in locals of the function that called setjmp.

#include "CShims.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// MARK: - Shared error plumbing

typedef struct {
    char *message;
    size_t size;
    cshims_png_image *image; ///< reading only: where dropped text chunks are counted
} error_sink;

static void set_error(error_sink *sink, const char *message) {
    if (sink->message == NULL || sink->size == 0) return;
    snprintf(sink->message, sink->size, "%s", message);
}

static void on_png_error(png_structp png, png_const_charp message) {
    error_sink *sink = (error_sink *)png_get_error_ptr(png);
    // Only the first error counts: our own I/O callbacks set a precise one before calling png_error.
    if (sink->message && sink->size && sink->message[0] == '\0') {
        set_error(sink, message ? message : "libpng error");
    }
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp message) {
    // Warnings (bad ancillary chunks, odd profiles) are not worth stopping for, but a text chunk
    // libpng dropped (too large to decompress, a bad CRC, the chunk cache full) is counted, so
    // that callers do not mistake "dropped" for "absent". libpng prefixes chunk warnings with the
    // chunk's name.
    error_sink *sink = (error_sink *)png_get_error_ptr(png);
    if (sink == NULL || sink->image == NULL || message == NULL) return;
    if (strncmp(message, "tEXt", 4) != 0 && strncmp(message, "zTXt", 4) != 0 && strncmp(message, "iTXt", 4) != 0) return;
    cshims_png_image *image = sink->image;
    if (image->dropped_text_count == 0) {
        snprintf(image->dropped_text_reason, sizeof image->dropped_text_reason, "%s", message);
    }
    image->dropped_text_count += 1;
}

// MARK: - Reading

typedef struct {
    FILE *file;
    error_sink *sink;
} read_io;

static void read_from_file(png_structp png, png_bytep data, size_t length) {
    read_io *io = (read_io *)png_get_io_ptr(png);
    size_t got = fread(data, 1, length, io->file);
    if (got == length) return;
    if (ferror(io->file)) {
        char buffer[256];
        snprintf(buffer, sizeof buffer, "read error: %s", strerror(errno));
        set_error(io->sink, buffer);
    } else {
        set_error(io->sink, "the file is truncated (unexpected end of data)");
    }
    png_error(png, "read error");
}

typedef struct {
    png_structp png;
    png_infop info;
    png_bytep *rows;
    read_io io;
} read_state;

static char *copy_string(const char *source) {
    if (source == NULL) return NULL;
    size_t length = strlen(source);
    char *copy = malloc(length + 1);
    if (copy) memcpy(copy, source, length + 1);
    return copy;
}

/// Appends the text chunks libpng collected so far that are not yet in `out`.
static int collect_texts(read_state *state, cshims_png_image *out, error_sink *sink) {
    png_textp texts = NULL;
    int count = png_get_text(state->png, state->info, &texts, NULL);
    if (count <= out->text_count) return 0;
    cshims_png_text *grown = realloc(out->texts, sizeof(cshims_png_text) * (size_t)count);
    if (grown == NULL) {
        set_error(sink, "out of memory reading text chunks");
        return -1;
    }
    out->texts = grown;
    for (int i = out->text_count; i < count; i++) {
        png_textp source = &texts[i];
        cshims_png_text *target = &out->texts[i];
        memset(target, 0, sizeof *target);
        out->text_count = i + 1; // counted before copying so that a failure still frees it
        int international = source->compression >= PNG_ITXT_COMPRESSION_NONE;
        target->kind = international ? CSHIMS_PNG_TEXT_ITXT
                     : source->compression == PNG_TEXT_COMPRESSION_zTXt ? CSHIMS_PNG_TEXT_ZTXT
                     : CSHIMS_PNG_TEXT_TEXT;
        size_t length = international ? source->itxt_length : source->text_length;
        if (source->text == NULL) length = 0;
        target->keyword = copy_string(source->key ? source->key : "");
        target->text = malloc(length + 1);
        if (target->keyword == NULL || target->text == NULL) {
            set_error(sink, "out of memory reading text chunks");
            return -1;
        }
        if (length > 0) memcpy(target->text, source->text, length);
        target->text[length] = 0;
        target->text_length = length;
        if (international) {
            target->language_tag = copy_string(source->lang ? source->lang : "");
            target->translated_keyword = copy_string(source->lang_key ? source->lang_key : "");
            if (target->language_tag == NULL || target->translated_keyword == NULL) {
                set_error(sink, "out of memory reading text chunks");
                return -1;
            }
        }
    }
    return 0;
}

static int read_body(read_state *state, cshims_png_image *out, error_sink *sink) {
    if (setjmp(png_jmpbuf(state->png))) return -1;

    png_set_user_limits(state->png, 0x7fffffff, 0x7fffffff); // the bounds below are the limits
    png_set_read_fn(state->png, &state->io, read_from_file);
    png_read_info(state->png, state->info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(state->png, state->info, &width, &height, &bit_depth, &color_type,
                 &interlace, NULL, NULL);
    if ((uint64_t)width * (uint64_t)height > CSHIMS_PNG_MAX_PIXELS
        || width > CSHIMS_PNG_MAX_SIDE || height > CSHIMS_PNG_MAX_SIDE) {
        char buffer[128];
        snprintf(buffer, sizeof buffer, "the image is too large (%ux%u pixels)",
                 (unsigned)width, (unsigned)height);
        set_error(sink, buffer);
        return -1;
    }
    out->width = width;
    out->height = height;
    out->bit_depth = bit_depth;
    out->color_type = color_type;
    out->interlaced = interlace == PNG_INTERLACE_ADAM7;

    // Whatever the file holds becomes 8-bit RGB, or RGBA where it has alpha or a tRNS chunk.
    png_set_expand(state->png);        // palette → RGB, gray < 8 bits → 8, tRNS → alpha
    png_set_scale_16(state->png);      // 16 → 8 bits, rounded (v / 257)
    png_set_gray_to_rgb(state->png);
    png_set_interlace_handling(state->png);
    png_read_update_info(state->png, state->info);

    int channels = png_get_channels(state->png, state->info);
    size_t row_bytes = png_get_rowbytes(state->png, state->info);
    if ((channels != 3 && channels != 4) || row_bytes != (size_t)width * (size_t)channels) {
        set_error(sink, "unsupported pixel layout after conversion");
        return -1;
    }
    out->channels = channels;
    out->pixels = malloc(row_bytes * (size_t)height + 1);
    state->rows = malloc(sizeof(png_bytep) * (size_t)height + 1);
    if (out->pixels == NULL || state->rows == NULL) {
        set_error(sink, "out of memory");
        return -1;
    }
    for (png_uint_32 y = 0; y < height; y++) state->rows[y] = out->pixels + row_bytes * y;
    png_read_image(state->png, state->rows);
    if (collect_texts(state, out, sink) != 0) return -1;
    png_read_end(state->png, state->info); // text chunks after the image data land in `info` too
    if (collect_texts(state, out, sink) != 0) return -1;
    return 0;
}

/// Checks, before libpng sees the file, that every chunk up to IEND fits in it. libpng allocates
/// and zero-fills a buffer of a chunk's declared length before reading it (and only warns about an
/// oversized ancillary chunk), so an 89-byte file declaring a 1.5 GB text chunk would cost 1.5 GB.
static int check_chunk_lengths(FILE *file, error_sink *sink) {
    struct stat status;
    long start = ftell(file);
    if (start < 0 || fstat(fileno(file), &status) != 0) return 0; // let libpng report what it finds
    uint64_t size = (uint64_t)status.st_size, position = (uint64_t)start;
    unsigned char header[8];
    while (position + 8 <= size) {
        if (fseek(file, (long)position, SEEK_SET) != 0 || fread(header, 1, sizeof header, file) != sizeof header) break;
        uint64_t length = ((uint64_t)header[0] << 24) | ((uint64_t)header[1] << 16) | ((uint64_t)header[2] << 8) | header[3];
        if (length + 12 > size - position) {
            set_error(sink, "the file is truncated (a chunk runs past the end of the file)");
            return -1;
        }
        if (memcmp(header + 4, "IEND", 4) == 0) break;
        position += length + 12;
    }
    if (fseek(file, start, SEEK_SET) != 0) {
        set_error(sink, strerror(errno));
        return -1;
    }
    return 0;
}

int cshims_png_read_descriptor(int descriptor, cshims_png_image *out, char *error, size_t error_size) {
    memset(out, 0, sizeof *out);
    if (error && error_size) error[0] = '\0';
    error_sink sink = { error, error_size, out };
    read_state state;
    memset(&state, 0, sizeof state);
    state.io.sink = &sink;

    state.io.file = fdopen(descriptor, "rb");
    if (state.io.file == NULL) {
        set_error(&sink, strerror(errno));
        close(descriptor);
        return -1;
    }
    unsigned char signature[8];
    size_t got = fread(signature, 1, sizeof signature, state.io.file);
    if (got < sizeof signature || png_sig_cmp(signature, 0, sizeof signature) != 0) {
        if (ferror(state.io.file)) set_error(&sink, strerror(errno));
        else set_error(&sink, "not a PNG file (the PNG signature is missing)");
        fclose(state.io.file);
        return -1;
    }
    if (check_chunk_lengths(state.io.file, &sink) != 0) {
        fclose(state.io.file);
        return -1;
    }

    int status = -1;
    state.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &sink, on_png_error, on_png_warning);
    if (state.png) state.info = png_create_info_struct(state.png);
    if (state.png == NULL || state.info == NULL) {
        set_error(&sink, "out of memory");
    } else {
        png_set_sig_bytes(state.png, sizeof signature);
        status = read_body(&state, out, &sink);
    }
    png_destroy_read_struct(state.png ? &state.png : NULL, state.info ? &state.info : NULL, NULL);
    free(state.rows);
    fclose(state.io.file);
    if (status != 0) {
        if (error && error_size && error[0] == '\0') set_error(&sink, "unknown libpng error");
        cshims_png_image_free(out);
    }
    return status;
}

void cshims_png_image_free(cshims_png_image *image) {
    if (image == NULL) return;
    free(image->pixels);
    for (int i = 0; i < image->text_count; i++) {
        free(image->texts[i].keyword);
        free(image->texts[i].text);
        free(image->texts[i].language_tag);
        free(image->texts[i].translated_keyword);
    }
    free(image->texts);
    memset(image, 0, sizeof *image);
}

// MARK: - Writing

typedef struct {
    uint8_t *bytes;
    size_t length;
    size_t capacity;
    error_sink *sink;
} write_io;

static void write_to_memory(png_structp png, png_bytep data, size_t length) {
    write_io *io = (write_io *)png_get_io_ptr(png);
    if (length > SIZE_MAX - io->length) {
        set_error(io->sink, "the encoded image is too large");
        png_error(png, "too large");
    }
    if (io->length + length > io->capacity) {
        size_t capacity = io->capacity ? io->capacity : 4096;
        while (capacity < io->length + length) capacity = capacity > SIZE_MAX / 2 ? io->length + length : capacity * 2;
        uint8_t *grown = realloc(io->bytes, capacity);
        if (grown == NULL) {
            set_error(io->sink, "out of memory");
            png_error(png, "out of memory");
        }
        io->bytes = grown;
        io->capacity = capacity;
    }
    memcpy(io->bytes + io->length, data, length);
    io->length += length;
}

static void flush_memory(png_structp png) {
    (void)png; // Nothing is buffered outside `bytes`.
}

typedef struct {
    png_structp png;
    png_infop info;
    png_textp texts;
    write_io io;
} write_state;

static int channels_of(int color_type) {
    switch (color_type) {
    case CSHIMS_PNG_COLOR_GRAY: return 1;
    case CSHIMS_PNG_COLOR_GRAY_ALPHA: return 2;
    case CSHIMS_PNG_COLOR_RGB: return 3;
    case CSHIMS_PNG_COLOR_RGBA: return 4;
    case CSHIMS_PNG_COLOR_PALETTE: return 1;
    default: return 0;
    }
}

static int write_body(write_state *state, const cshims_png_write_request *request,
                      error_sink *sink) {
    if (setjmp(png_jmpbuf(state->png))) return -1;

    png_set_write_fn(state->png, &state->io, write_to_memory, flush_memory);
    png_set_IHDR(state->png, state->info, request->width, request->height, request->bit_depth,
                 request->color_type,
                 request->interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);

    if (request->color_type == CSHIMS_PNG_COLOR_PALETTE) {
        png_color palette[256];
        int count = request->palette_count;
        if (count < 1 || count > 256 || request->palette == NULL) {
            set_error(sink, "a palette image needs 1 to 256 palette entries");
            return -1;
        }
        for (int i = 0; i < count; i++) {
            palette[i].red = request->palette[3 * i];
            palette[i].green = request->palette[3 * i + 1];
            palette[i].blue = request->palette[3 * i + 2];
        }
        png_set_PLTE(state->png, state->info, palette, count);
        if (request->palette_alpha_count > 0 && request->palette_alpha) {
            png_set_tRNS(state->png, state->info, request->palette_alpha,
                         request->palette_alpha_count, NULL);
        }
    } else if (request->has_transparent_color) {
        png_color_16 color;
        memset(&color, 0, sizeof color);
        color.gray = request->transparent_gray;
        color.red = request->transparent_red;
        color.green = request->transparent_green;
        color.blue = request->transparent_blue;
        png_set_tRNS(state->png, state->info, NULL, 0, &color);
    }

    if (request->text_count > 0) {
        state->texts = calloc((size_t)request->text_count, sizeof(png_text));
        if (state->texts == NULL) {
            set_error(sink, "out of memory");
            return -1;
        }
        for (int i = 0; i < request->text_count; i++) {
            const cshims_png_text_in *source = &request->texts[i];
            png_textp target = &state->texts[i];
            target->key = (png_charp)source->keyword;
            target->text = (png_charp)source->text;
            target->text_length = strlen(source->text);
            if (source->international) {
                target->compression = PNG_ITXT_COMPRESSION_NONE;
                target->lang = (png_charp)"";
                target->lang_key = (png_charp)"";
            } else {
                target->compression = PNG_TEXT_COMPRESSION_NONE;
            }
        }
        png_set_text(state->png, state->info, state->texts, request->text_count);
    }

    png_write_info(state->png, state->info);
    if (request->bit_depth < 8) png_set_packing(state->png); // one byte per sample in, packed out

    size_t bytes_per_sample = request->bit_depth == 16 ? 2 : 1;
    size_t row_bytes = (size_t)request->width * (size_t)channels_of(request->color_type)
                     * bytes_per_sample;
    int passes = png_set_interlace_handling(state->png); // 7 for Adam7: every row once per pass
    for (int pass = 0; pass < passes; pass++) {
        for (png_uint_32 y = 0; y < request->height; y++) {
            png_write_row(state->png, (png_const_bytep)(request->samples + row_bytes * y));
        }
    }
    png_write_end(state->png, NULL);
    return 0;
}

int cshims_png_encode(const cshims_png_write_request *request, uint8_t **bytes, size_t *length,
                      char *error, size_t error_size) {
    *bytes = NULL;
    *length = 0;
    if (error && error_size) error[0] = '\0';
    error_sink sink = { error, error_size, NULL };
    if (channels_of(request->color_type) == 0) {
        set_error(&sink, "unknown PNG colour type");
        return -1;
    }
    if (request->width == 0 || request->height == 0 || request->samples == NULL) {
        set_error(&sink, "an image needs at least one pixel");
        return -1;
    }
    write_state state;
    memset(&state, 0, sizeof state);
    state.io.sink = &sink;

    int status = -1;
    state.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, on_png_error, on_png_warning);
    if (state.png) state.info = png_create_info_struct(state.png);
    if (state.png == NULL || state.info == NULL) {
        set_error(&sink, "out of memory");
    } else {
        status = write_body(&state, request, &sink);
    }
    png_destroy_write_struct(state.png ? &state.png : NULL, state.info ? &state.info : NULL);
    free(state.texts);

    if (status != 0) {
        free(state.io.bytes);
        if (error && error_size && error[0] == '\0') set_error(&sink, "unknown libpng error");
        return -1;
    }
    *bytes = state.io.bytes;
    *length = state.io.length;
    return 0;
}

void cshims_png_bytes_free(uint8_t *bytes) {
    free(bytes);
}

const char *cshims_png_library_version(void) {
    return png_get_libpng_ver(NULL);
}
