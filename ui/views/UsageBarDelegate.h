#pragma once

#include <QStyledItemDelegate>

namespace portico {

// Draws a quota bar in a table cell: the share of the limit used (the model's fraction role),
// green, amber from 80 % and red when nothing is left, with the cell's text over it. Painted,
// not a widget per row, so it scales like any other cell.
class UsageBarDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    UsageBarDelegate(int fractionRole, QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    int m_fractionRole;
};

} // namespace portico
