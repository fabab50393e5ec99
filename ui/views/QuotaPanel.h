#pragma once

#include "ControlRoom.h"
#include "policy/rate_limit/ConsumerUsage.h"

#include <QFutureWatcher>
#include <QWidget>

class QLabel;
class QStackedWidget;
class QTableView;
class QTimer;

namespace portico {

class LimitUsageModel;

// Live quota bars of one consumer: each limit that applies (its plan's, and the own limits of
// routes that authenticate) with used / limit, what remains and when it resets. Refreshed
// about once a second while shown; the counters are read on a pool thread (with Redis they are
// a network call), one read at a time, and the answer comes back queued.
class QuotaPanel : public QWidget
{
    Q_OBJECT
public:
    explicit QuotaPanel(ControlRoom room, QWidget *parent = nullptr);
    ~QuotaPanel() override;

    // Empty name: nothing selected.
    void setConsumer(const QString &name, const QString &plan);
    // Starts or stops the periodic refresh (the page is shown or hidden).
    void setActive(bool active);
    // Reads the counters now (or as soon as the read in flight is done).
    void refresh();

    LimitUsageModel *model() const { return m_model; }
    // What the panel says instead of bars, empty while it shows bars.
    QString message() const;
    bool isReading() const { return m_watcher.isRunning(); }

Q_SIGNALS:
    // After each answer was shown (tests wait for it).
    void refreshed();

private:
    struct Answer
    {
        QString consumer;
        QString plan;
        QString store;
        QDateTime now;
        ConsumerUsage usage;
    };
    void showAnswer();
    void showMessage(const QString &message);

    ControlRoom m_room;
    QString m_consumer;
    QString m_plan;
    bool m_pending = false; // a refresh was asked while a read was in flight
    LimitUsageModel *m_model;
    QTableView *m_view;
    QLabel *m_message;
    QStackedWidget *m_stack;
    QTimer *m_timer;
    QFutureWatcher<Answer> m_watcher;
};

} // namespace portico
