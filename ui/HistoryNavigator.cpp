#include "HistoryNavigator.h"

#include "ControlRoom.h"

#include "config/ConfigService.h"

#include <QAction>
#include <QUndoCommand>
#include <QUndoStack>

namespace portico {

// One change of the store: from one revision to the next.
class HistoryNavigator::Step : public QUndoCommand
{
public:
    Step(HistoryNavigator *navigator, qint64 before, qint64 after, const QString &summary)
        : QUndoCommand(summary)
        , m_navigator(navigator)
        , m_before(before)
        , m_after(after)
    {
    }

    void undo() override { m_navigator->walkTo(m_before, QStringLiteral("undo")); }
    void redo() override
    {
        if (m_pushed) // the change is already in the store when it is recorded
            m_navigator->walkTo(m_after, QStringLiteral("redo"));
        m_pushed = true;
    }

private:
    HistoryNavigator *m_navigator;
    qint64 m_before;
    qint64 m_after;
    bool m_pushed = false;
};

HistoryNavigator::HistoryNavigator(ConfigService *config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_stack(new QUndoStack(this))
    , m_revision(config->revision())
{
    m_stack->setUndoLimit(100); // the store keeps at least the last 100 versions
    m_undo = m_stack->createUndoAction(this, tr("&Undo"));
    m_undo->setShortcut(QKeySequence::Undo);
    m_undo->setIcon(portIcon("undo"));
    m_redo = m_stack->createRedoAction(this, tr("&Redo"));
    m_redo->setShortcut(QKeySequence::Redo);
    m_redo->setIcon(portIcon("redo"));
    connect(m_config, &ConfigService::configChanged, this, &HistoryNavigator::onConfigChanged);
}

void HistoryNavigator::onConfigChanged(qint64 revision)
{
    if (m_walking || revision == m_revision)
        return;
    const std::vector<ConfigVersion> latest = m_config->store().history(1);
    const QString summary = latest.empty() ? tr("change to revision %1").arg(revision)
                                           : latest.front().summary;
    const qint64 before = m_revision;
    m_revision = revision;
    m_stack->push(new Step(this, before, revision, summary));
}

bool HistoryNavigator::walkTo(qint64 revision, const QString &what)
{
    m_walking = true;
    const StoreResult result = m_config->rollback(revision);
    m_walking = false;
    m_revision = m_config->revision();
    if (result.ok())
        return true;
    QString why = result.errors.empty() ? QString() : result.errors.front().toString();
    Q_EMIT failed(tr("Cannot %1 to revision %2: %3").arg(what).arg(revision).arg(why));
    return false;
}

} // namespace portico
