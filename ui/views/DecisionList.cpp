#include "DecisionList.h"

#include "views/StatusColors.h"

#include <QHeaderView>
#include <QPainter>
#include <QPainterPath>

namespace portico {

namespace {

int statusIn(const QByteArray &decision)
{
    bool ok = false;
    const int status = decision.left(3).toInt(&ok);
    return ok ? status : 0;
}

QIcon verdictIcon(DecisionVerdict verdict, const QPalette &palette)
{
    const int size = 16;
    QPixmap pixmap(size * 2, size * 2); // drawn at 2x, sharp on high-DPI screens
    pixmap.setDevicePixelRatio(2.0);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor color = verdict == DecisionVerdict::Allowed ? okColor(palette)
        : verdict == DecisionVerdict::Refused                ? errorColor(palette)
                                                             : warningColor(palette);
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    p.drawEllipse(QRectF(1.5, 1.5, 13, 13));
    QPen mark(Qt::white, 1.8, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(mark);
    p.setBrush(Qt::NoBrush);
    switch (verdict) {
    case DecisionVerdict::Allowed: {
        QPainterPath tick;
        tick.moveTo(5, 8.2);
        tick.lineTo(7.2, 10.4);
        tick.lineTo(11, 5.8);
        p.drawPath(tick);
        break;
    }
    case DecisionVerdict::Refused:
        p.drawLine(QPointF(5.5, 5.5), QPointF(10.5, 10.5));
        p.drawLine(QPointF(10.5, 5.5), QPointF(5.5, 10.5));
        break;
    case DecisionVerdict::Problem:
        p.drawLine(QPointF(8, 4.6), QPointF(8, 8.8));
        p.drawPoint(QPointF(8, 11.2));
        break;
    }
    return QIcon(pixmap);
}

} // namespace

DecisionVerdict decisionVerdict(const QByteArray &stage, const QByteArray &decision)
{
    if (stage == "ip_rules" || stage == "acl" || decision.startsWith("refused")
        || decision.contains(": refused"))
        return DecisionVerdict::Refused;
    if (stage == "local_reply")
        return statusIn(decision) >= 400 ? DecisionVerdict::Refused : DecisionVerdict::Allowed;
    if (stage == "connect_failed" || stage == "ejected" || stage == "upstream_error"
        || (stage == "route" && decision == "none"))
        return DecisionVerdict::Problem;
    if (stage == "upstream_status" && statusIn(decision) >= 500)
        return DecisionVerdict::Problem;
    return DecisionVerdict::Allowed;
}

DecisionList::DecisionList(QWidget *parent)
    : QTreeWidget(parent)
{
    setColumnCount(2);
    setHeaderLabels({tr("Stage"), tr("Decision")});
    setRootIsDecorated(false);
    setSelectionMode(QAbstractItemView::NoSelection);
    setFocusPolicy(Qt::NoFocus);
    setAlternatingRowColors(true);
    setUniformRowHeights(true);
    header()->setStretchLastSection(true);
    header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
}

void DecisionList::setDecisions(const std::vector<std::pair<QByteArray, QByteArray>> &decisions)
{
    clear();
    const QIcon icons[] = {verdictIcon(DecisionVerdict::Allowed, palette()),
                           verdictIcon(DecisionVerdict::Refused, palette()),
                           verdictIcon(DecisionVerdict::Problem, palette())};
    const QString words[] = {tr("went on"), tr("refused"), tr("problem")};
    for (const auto &[stage, decision] : decisions) {
        const DecisionVerdict verdict = decisionVerdict(stage, decision);
        auto *item = new QTreeWidgetItem(
            this, {QString::fromUtf8(stage).replace(u'_', u' '), QString::fromUtf8(decision)});
        item->setIcon(0, icons[int(verdict)]);
        item->setData(0, Qt::UserRole, int(verdict));
        item->setToolTip(0, words[int(verdict)]);
        item->setToolTip(1, QString::fromUtf8(decision));
    }
}

} // namespace portico
