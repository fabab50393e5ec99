#include "QuotaPanel.h"

#include "models/LimitUsageModel.h"
#include "views/UsageBarDelegate.h"

#include "config/Snapshot.h"
#include "net/GatewayEngine.h"

#include <QHeaderView>
#include <QLabel>
#include <QPromise>
#include <QStackedWidget>
#include <QTableView>
#include <QThreadPool>
#include <QTimer>
#include <QVBoxLayout>

namespace portico {

QuotaPanel::QuotaPanel(ControlRoom room, QWidget *parent)
    : QWidget(parent)
    , m_room(room)
    , m_model(new LimitUsageModel(this))
    , m_view(new QTableView)
    , m_message(new QLabel)
    , m_stack(new QStackedWidget)
    , m_timer(new QTimer(this))
{
    m_view->setObjectName(QStringLiteral("quotaTable"));
    m_view->setModel(m_model);
    m_view->setItemDelegateForColumn(LimitUsageModel::Usage,
                                     new UsageBarDelegate(LimitUsageModel::FractionRole, this));
    m_view->setSelectionMode(QAbstractItemView::NoSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setFocusPolicy(Qt::NoFocus);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 16);
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(LimitUsageModel::Limit, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(LimitUsageModel::Usage, QHeaderView::Stretch);
    header->setSectionResizeMode(LimitUsageModel::Remaining, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(LimitUsageModel::Resets, QHeaderView::ResizeToContents);

    m_message->setObjectName(QStringLiteral("quotaMessage"));
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setForegroundRole(QPalette::PlaceholderText);
    m_message->setMargin(12);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_message);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);

    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, &QuotaPanel::refresh);
    connect(&m_watcher, &QFutureWatcher<Answer>::finished, this, &QuotaPanel::showAnswer);
    connect(
        m_room.engine, &GatewayEngine::runningChanged, this, [this] { refresh(); },
        Qt::QueuedConnection);
    showMessage(tr("Select a consumer to see its quotas."));
}

QuotaPanel::~QuotaPanel()
{
    // The read holds its own copies (snapshot, names): it may finish after the panel is gone.
    m_watcher.disconnect(this);
}

void QuotaPanel::setConsumer(const QString &name, const QString &plan)
{
    if (name == m_consumer && plan == m_plan)
        return;
    m_consumer = name;
    m_plan = plan;
    m_model->clear();
    refresh();
}

void QuotaPanel::setActive(bool active)
{
    if (active) {
        m_timer->start();
        refresh();
    } else {
        m_timer->stop();
    }
}

QString QuotaPanel::message() const
{
    return m_stack->currentWidget() == m_message ? m_message->text() : QString();
}

void QuotaPanel::showMessage(const QString &message)
{
    m_message->setText(message);
    m_stack->setCurrentWidget(m_message);
}

void QuotaPanel::refresh()
{
    if (m_consumer.isEmpty()) {
        m_model->clear();
        showMessage(tr("Select a consumer to see its quotas."));
        return;
    }
    const std::shared_ptr<const Snapshot> snapshot =
        m_room.engine->isRunning() ? m_room.engine->snapshot() : nullptr;
    if (!snapshot) {
        m_model->clear();
        showMessage(tr("The gateway is not running, so no requests are counted. Quota use "
                       "shows here while it runs."));
        return;
    }
    if (m_watcher.isRunning()) {
        m_pending = true;
        return;
    }
    m_pending = false;
    auto promise = std::make_shared<QPromise<Answer>>();
    promise->start();
    m_watcher.setFuture(promise->future());
    Answer request{m_consumer, m_plan, snapshot->config.settings.rateLimitStore, {}, {}};
    // peek() asks Redis synchronously when the counters live there: never on this thread.
    QThreadPool::globalInstance()->start([promise, snapshot, request]() mutable {
        request.now = QDateTime::currentDateTimeUtc();
        request.usage = consumerUsage(*snapshot, request.consumer, request.plan, request.now);
        promise->addResult(std::move(request));
        promise->finish();
    });
}

void QuotaPanel::showAnswer()
{
    const QFuture<Answer> future = m_watcher.future();
    if (future.resultCount() > 0) {
        const Answer answer = future.result();
        // An answer for a consumer no longer shown is dropped; the pending read follows.
        if (answer.consumer == m_consumer && answer.plan == m_plan) {
            if (!answer.usage.answered) {
                m_model->clear();
                showMessage(tr("The rate-limit store (%1) cannot be reached: quota use is "
                               "unknown until it answers.")
                                .arg(answer.store));
            } else if (answer.usage.limits.empty()) {
                m_model->clear();
                showMessage(
                    m_plan.isEmpty()
                        ? tr("No limits apply to %1: it has no plan, and no route with key or "
                             "JWT authentication has a limit of its own.")
                              .arg(m_consumer)
                        : tr("No limits apply to %1: plan %2 has no limits, and no route with "
                             "key or JWT authentication has a limit of its own.")
                              .arg(m_consumer, m_plan));
            } else {
                m_model->setUsage(answer.plan, answer.usage.limits, answer.now);
                m_stack->setCurrentWidget(m_view);
            }
            Q_EMIT refreshed();
        }
    }
    if (m_pending)
        refresh();
}

} // namespace portico
