#pragma once

#include <QByteArray>
#include <QTreeWidget>

#include <utility>
#include <vector>

namespace portico {

// What a recorded decision meant for the request: it went on, it was refused (an auth, ACL,
// IP rule or rate limit said no, or the gateway answered an error itself), or something went
// wrong on the way (no route, a failed connect, an ejected target, an upstream 5xx).
enum class DecisionVerdict { Allowed, Refused, Problem };
DecisionVerdict decisionVerdict(const QByteArray &stage, const QByteArray &decision);

// A request's decisions in the order the gateway made them: an icon (green tick, red cross,
// amber warning), the stage and what it decided.
class DecisionList : public QTreeWidget
{
    Q_OBJECT
public:
    explicit DecisionList(QWidget *parent = nullptr);

    void setDecisions(const std::vector<std::pair<QByteArray, QByteArray>> &decisions);
};

} // namespace portico
