#pragma once

#include <QObject>

#include <initializer_list>
#include <vector>

class QSocketNotifier;

namespace portico {

// Turns POSIX signals (SIGTERM, SIGINT, ...) into a Qt signal on the thread that created the
// handler. The async-signal handler only writes the signal number into a socketpair; a
// QSocketNotifier reads it back in the event loop, where anything may be done safely.
// One instance per process.
class SignalHandler : public QObject
{
    Q_OBJECT
public:
    explicit SignalHandler(std::initializer_list<int> signalNumbers, QObject *parent = nullptr);
    ~SignalHandler() override;

    bool isValid() const { return m_notifier != nullptr; }

Q_SIGNALS:
    void signalReceived(int signal);

private:
    void readSignals();

    int m_fds[2] = {-1, -1}; // [0] written by the handler, [1] read here
    QSocketNotifier *m_notifier = nullptr;
    std::vector<int> m_signals;
};

} // namespace portico
