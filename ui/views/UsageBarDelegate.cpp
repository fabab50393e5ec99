#include "UsageBarDelegate.h"

#include "views/StatusColors.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

namespace portico {

UsageBarDelegate::UsageBarDelegate(int fractionRole, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_fractionRole(fractionRole)
{
}

void UsageBarDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                             const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    const QWidget *widget = opt.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget); // background, selection

    const double fraction = qBound(0.0, index.data(m_fractionRole).toDouble(), 1.0);
    const QRectF bar = QRectF(opt.rect).adjusted(4, 4, -4, -4);
    const qreal radius = qMin<qreal>(4.0, bar.height() / 2);
    // Status colours; the track comes from the palette so it suits light and dark themes.
    const QColor fill = fraction >= 1.0 ? errorColor(opt.palette)
        : fraction >= 0.8               ? warningColor(opt.palette)
                                        : okColor(opt.palette);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(opt.palette.color(QPalette::Midlight));
    painter->drawRoundedRect(bar, radius, radius);
    if (fraction > 0) {
        QRectF done = bar;
        done.setWidth(qMax(2 * radius, bar.width() * fraction));
        painter->setBrush(fill);
        painter->drawRoundedRect(done, radius, radius);
    }
    // The text stays readable over both the fill and the track.
    painter->setPen(opt.palette.color(QPalette::Text));
    QFont font = opt.font;
    font.setWeight(QFont::DemiBold);
    painter->setFont(font);
    painter->drawText(bar.adjusted(8, 0, -8, 0), Qt::AlignVCenter | Qt::AlignLeft, text);
    painter->restore();
}

QSize UsageBarDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setWidth(qMax(size.width() + 24, 180));
    size.setHeight(size.height() + 8);
    return size;
}

} // namespace portico
