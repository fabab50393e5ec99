#pragma once

#include <QEvent>
#include <QSocketNotifier>

#include <functional>

namespace portico {

// A socket notifier that calls one function when its descriptor is ready, without a signal.
// On an engine thread the EpollEventDispatcher calls activate() itself and skips Qt's event
// delivery as well: for every ready socket that path cost about 600 instructions (sendEvent,
// QSocketNotifier::event, two signal emissions), a tenth of a proxied request's own work.
// Under any other dispatcher it is an ordinary notifier whose event calls the same function.
class ReadinessNotifier final : public QSocketNotifier
{
    Q_OBJECT
public:
    ReadinessNotifier(qintptr descriptor, Type type, std::function<void()> onReady,
                      QObject *parent)
        : QSocketNotifier(descriptor, type, parent)
        , m_onReady(std::move(onReady))
    {
    }

    void activate() { m_onReady(); }

protected:
    bool event(QEvent *event) override
    {
        if (event->type() == QEvent::SockAct || event->type() == QEvent::SockClose) {
            activate();
            return true;
        }
        return QSocketNotifier::event(event);
    }

private:
    std::function<void()> m_onReady;
};

} // namespace portico
