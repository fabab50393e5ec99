#pragma once

#include <QObject>

class QAction;
class QUndoStack;

namespace portico {

class ConfigService;

// Undo and redo over the store's history: every change that reaches the store (from this
// window, the Admin API or another process) becomes one step, and undoing it rolls the store
// back to the revision before it, as a new revision, so nothing in the history is ever lost.
class HistoryNavigator : public QObject
{
    Q_OBJECT
public:
    explicit HistoryNavigator(ConfigService *config, QObject *parent = nullptr);

    QAction *undoAction() const { return m_undo; }
    QAction *redoAction() const { return m_redo; }
    QUndoStack *stack() const { return m_stack; }

Q_SIGNALS:
    // A step could not be walked (its revision left the history, or the result is invalid).
    void failed(const QString &message);

private:
    class Step;
    void onConfigChanged(qint64 revision);
    bool walkTo(qint64 revision, const QString &what);

    ConfigService *m_config;
    QUndoStack *m_stack;
    QAction *m_undo;
    QAction *m_redo;
    qint64 m_revision;   // the revision the last recorded step ended at
    bool m_walking = false; // our own rollback is running: its change is not a new step
};

} // namespace portico
