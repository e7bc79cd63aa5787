// The stop signals (SIGINT, SIGTERM, SIGQUIT) behind two calls. A signal handler may only touch a
// `volatile sig_atomic_t` and call async-signal-safe functions, which Swift cannot promise; so the
// handler lives here and Swift reads the flag between steps.

#include "CShims.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t received_signal = 0;
static volatile sig_atomic_t graceful = 0;

static void on_stop_signal(int signal_number) {
    if (!graceful || received_signal != 0) _exit(128 + signal_number);
    received_signal = signal_number;
}

int cshims_install_stop_signal_handlers(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_stop_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, SIGINT);
    sigaddset(&action.sa_mask, SIGTERM);
    sigaddset(&action.sa_mask, SIGQUIT);
    if (sigaction(SIGINT, &action, NULL) != 0) return -1;
    if (sigaction(SIGTERM, &action, NULL) != 0) return -1;
    if (sigaction(SIGQUIT, &action, NULL) != 0) return -1;
    return 0;
}

void cshims_set_graceful_stop(int on) {
    graceful = on ? 1 : 0;
}

int cshims_received_stop_signal(void) {
    return received_signal;
}
