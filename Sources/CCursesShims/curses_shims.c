#define _XOPEN_SOURCE 700
#define _XOPEN_SOURCE_EXTENDED 1
#define _DEFAULT_SOURCE 1
#include "CCursesShims.h"

#include <locale.h>
#include <ncursesw/curses.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int running = 0;
static volatile sig_atomic_t hangup = 0;
static struct termios saved_termios;
static int have_saved_termios = 0;

// On a crash (a Swift trap, a bad access) the terminal is given back with async-signal-safe calls
// only: the saved terminal modes, then bracketed paste and mouse off, the normal screen and a
// visible cursor; the signal then takes its default course (a core dump, the exit status).
static void on_fatal_signal(int signal_number) {
    static const char reset[] = "\033[?2004l\033[?1000l\033[?1002l\033[?1003l\033[?1006l\033[?1049l\033[?25h\r\n";
    if (have_saved_termios) tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
    ssize_t ignored = write(STDOUT_FILENO, reset, sizeof reset - 1);
    (void)ignored;
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

static void install_fatal_handlers(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_fatal_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    int signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE};
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) sigaction(signals[i], &action, NULL);
}

int ccs_start(void) {
    setlocale(LC_ALL, "");
    if (tcgetattr(STDIN_FILENO, &saved_termios) == 0) have_saved_termios = 1;
    install_fatal_handlers();
    // newterm, not initscr: initscr ends the process on an unusable terminal; this says so instead.
    SCREEN *screen = newterm(NULL, stdout, stdin);
    if (screen == NULL) return -1;
    set_term(screen);
    running = 1;
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    if (has_colors()) {
        start_color();
        use_default_colors();
    }
    mousemask(ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION, NULL);
    mouseinterval(0);
    // Bracketed paste: the terminal wraps pasted text in ESC[200~ … ESC[201~.
    fputs("\033[?2004h", stdout);
    fflush(stdout);
    return 0;
}

void ccs_stop(void) {
    if (!running) return;
    running = 0;
    fputs("\033[?2004l", stdout);
    fflush(stdout);
    mousemask(0, NULL);
    curs_set(1);
    echo();
    noraw();
    endwin();
}

int ccs_is_running(void) { return running; }

void ccs_size(int *rows, int *columns) {
    int y, x;
    getmaxyx(stdscr, y, x);
    *rows = y;
    *columns = x;
}

int ccs_colors(void) { return COLORS; }
int ccs_color_pairs(void) { return COLOR_PAIRS; }
int ccs_has_colors(void) { return has_colors() ? 1 : 0; }

int ccs_init_pair(int pair, int foreground, int background) {
#if NCURSES_EXT_COLORS
    return init_extended_pair(pair, foreground, background) == OK ? 0 : -1;
#else
    return init_pair((short)pair, (short)foreground, (short)background) == OK ? 0 : -1;
#endif
}

int ccs_read(int timeout_ms, uint32_t *out) {
    wint_t ch = 0;
    timeout(timeout_ms);
    int result = get_wch(&ch);
    *out = (uint32_t)ch;
    if (result == OK) return 0;
    if (result == KEY_CODE_YES) return 1;
    return -1;
}

const char *ccs_key_name(int code) {
    const char *name = keyname(code);
    return name ? name : "";
}

int ccs_mouse(int *x, int *y, uint32_t *buttons) {
    MEVENT event;
    if (getmouse(&event) != OK) return -1;
    *x = event.x;
    *y = event.y;
    *buttons = (uint32_t)event.bstate;
    return 0;
}

uint32_t ccs_button1_pressed(void) { return BUTTON1_PRESSED; }
uint32_t ccs_button1_released(void) { return BUTTON1_RELEASED; }
uint32_t ccs_button1_clicked(void) { return BUTTON1_CLICKED; }
uint32_t ccs_button4_pressed(void) { return BUTTON4_PRESSED; }
#ifdef BUTTON5_PRESSED
uint32_t ccs_button5_pressed(void) { return BUTTON5_PRESSED; }
#else
uint32_t ccs_button5_pressed(void) { return 0; }
#endif
uint32_t ccs_report_position(void) { return REPORT_MOUSE_POSITION; }

void ccs_put(int row, int column, const wchar_t *text, int pair, int attributes) {
    attr_t attrs = A_NORMAL;
    if (attributes & 1) attrs |= A_BOLD;
    if (attributes & 2) attrs |= A_DIM;
    if (attributes & 4) attrs |= A_REVERSE;
    if (attributes & 8) attrs |= A_UNDERLINE;
    cchar_t cell;
#if NCURSES_EXT_COLORS
    int extended = pair;
    setcchar(&cell, text, attrs, 0, &extended);
#else
    setcchar(&cell, text, attrs, (short)pair, NULL);
#endif
    mvadd_wch(row, column, &cell);
}

void ccs_move_cursor(int row, int column, int visible) {
    move(row, column);
    curs_set(visible ? 1 : 0);
}

void ccs_refresh(void) { refresh(); }
void ccs_clear_all(void) { clearok(curscr, TRUE); }

static void on_hangup(int signal_number) {
    (void)signal_number;
    hangup = 1;
}

void ccs_install_hangup_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_hangup;
    sigemptyset(&action.sa_mask);
    sigaction(SIGHUP, &action, NULL);
}

int ccs_hangup_received(void) { return hangup; }

int ccs_wcwidth(uint32_t character) { return wcwidth((wchar_t)character); }
