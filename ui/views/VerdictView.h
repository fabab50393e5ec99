#pragma once

#include <QWidget>

class QFormLayout;
class QLabel;
class QPlainTextEdit;
class QTreeWidget;

namespace portico {

struct RouteVerdict;

// Shows what the route tester found: the outcome on one coloured line, the route (or why none
// matched), the consumer and the target, every decision in order, and the request head the
// service would get (or the answer the client would get, or the configuration's errors).
class VerdictView : public QWidget
{
    Q_OBJECT
public:
    explicit VerdictView(QWidget *parent = nullptr);

    void showVerdict(const RouteVerdict &verdict);
    // A line instead of a verdict ("Testing…", or the placeholder before the first test).
    void showMessage(const QString &message);

    QString outcomeText() const;
    QString routeText() const;
    QString headText() const;
    QTreeWidget *decisions() const { return m_decisions; }

private:
    void setRow(QLabel *label, const QString &text);

    QLabel *m_outcome;
    QFormLayout *m_facts;
    QLabel *m_route;
    QLabel *m_consumer;
    QLabel *m_target;
    QTreeWidget *m_decisions;
    QLabel *m_headTitle;
    QPlainTextEdit *m_head;
};

} // namespace portico
