// ncursesw with the wide-character API (Debian: libncursesw5-dev; pkg-config ncursesw).
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <ncursesw/curses.h>
