#ifndef CSHIMS_H
#define CSHIMS_H
// Placeholder header; the PNG and curses shims are declared here.
#endif
