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
    // The track: the text colour faintly over the base, which suits light and dark palettes
    // alike (themes set Midlight and friends too differently to rely on).
    const QColor base = opt.palette.color(QPalette::Base);
    const QColor ink = opt.palette.color(QPalette::Text);
    const auto mix = [&](double t) {
        return QColor::fromRgbF(base.redF() + (ink.redF() - base.redF()) * t,
                                base.greenF() + (ink.greenF() - base.greenF()) * t,
                                base.blueF() + (ink.blueF() - base.blueF()) * t);
    };
    painter->setBrush(mix(0.16));
    painter->drawRoundedRect(bar, radius, radius);
    QRectF done = bar;
    if (fraction > 0) {
        done.setWidth(qMax(2 * radius, bar.width() * fraction));
        painter->setBrush(fill);
        painter->drawRoundedRect(done, radius, radius);
    } else {
        done.setWidth(0);
    }
    // The text in white over the fill and in the text colour over the track: readable on both.
    QFont font = opt.font;
    font.setWeight(QFont::DemiBold);
    painter->setFont(font);
    const QRectF textRect = bar.adjusted(8, 0, -8, 0);
    painter->setClipRect(done);
    painter->setPen(Qt::white);
    painter->drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft, text);
    painter->setClipRect(QRectF(done.right(), bar.top(), bar.right() - done.right(), bar.height()));
    painter->setPen(ink);
    painter->drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft, text);
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
