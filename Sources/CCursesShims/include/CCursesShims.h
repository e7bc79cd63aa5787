#ifndef CCURSES_SHIMS_H
#define CCURSES_SHIMS_H
// Curses macros and variadic functions Swift cannot call (COLOR_PAIR, getmaxyx, setcchar, the KEY_*
// constants), plus the hang-up signal flag. Only the studio's terminal adapter uses these; no logic
// lives here beyond calling ncursesw.

#include <stdint.h>
#include <wchar.h>

/// Key codes the adapter needs (ncurses' KEY_* values).
enum {
    CCS_KEY_RESIZE = 0632,
    CCS_KEY_MOUSE = 0631,
};

/// Starts curses on the terminal: locale from the environment, raw mode without echo, keypad and
/// mouse on, bracketed paste on, cursor hidden; a crash signal restores the terminal before it ends
/// the process. Returns 0, or -1 when the terminal cannot be used.
int ccs_start(void);
/// Restores the terminal: bracketed paste and mouse off, cursor visible, echo, endwin.
void ccs_stop(void);
/// Whether curses is running (between ccs_start and ccs_stop).
int ccs_is_running(void);

void ccs_size(int *rows, int *columns);
/// The number of colours and colour pairs curses offers, and whether colours can be redefined.
int ccs_colors(void);
int ccs_color_pairs(void);
int ccs_has_colors(void);
/// Defines pair `pair` (1…) as foreground/background colour numbers (-1 = terminal default).
int ccs_init_pair(int pair, int foreground, int background);

/// Reads one key with a timeout in milliseconds. Returns 0 for a character (in *out), 1 for a
/// function key code (in *out), -1 when nothing came.
int ccs_read(int timeout_ms, uint32_t *out);
/// ncurses' name of a key code ("KEY_UP", "kUP2" for shift-up…), for codes terminfo assigns at run time.
const char *ccs_key_name(int code);
/// The mouse event after CCS_KEY_MOUSE: cell position and ncurses' button state bits.
int ccs_mouse(int *x, int *y, uint32_t *buttons);
/// Mouse button state bits (ncurses' BUTTON* masks).
uint32_t ccs_button1_pressed(void);
uint32_t ccs_button1_released(void);
uint32_t ccs_button1_clicked(void);
uint32_t ccs_button4_pressed(void);
uint32_t ccs_button5_pressed(void);
uint32_t ccs_report_position(void);

/// Draws `text` (one character and its combining marks, NUL-terminated) at row, column with colour
/// pair `pair` and attribute bits (1 bold, 2 dim, 4 reverse, 8 underline).
void ccs_put(int row, int column, const wchar_t *text, int pair, int attributes);
void ccs_move_cursor(int row, int column, int visible);
void ccs_refresh(void);
/// Repaints everything at the next refresh (after a resize or a pair cache reset).
void ccs_clear_all(void);

/// Columns a character takes in the current locale (wcwidth, which glibc hides from Swift).
int ccs_wcwidth(uint32_t character);

/// SIGHUP (the terminal went away) and SIGWINCH are noted in a flag the main loop reads.
void ccs_install_hangup_handler(void);
int ccs_hangup_received(void);
#endif
