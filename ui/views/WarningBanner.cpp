#include "WarningBanner.h"

#include "views/StatusColors.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QStyle>

namespace portico {

WarningBanner::WarningBanner(const QString &objectName, QWidget *parent)
    : QFrame(parent)
    , m_icon(new QLabel)
    , m_text(new QLabel)
{
    setObjectName(objectName);
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_icon->setPixmap(
        style()->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, this).pixmap(size, size));
    m_text->setObjectName(objectName + QStringLiteral("Text"));
    m_text->setTextFormat(Qt::PlainText);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    hide();
}

void WarningBanner::setWarnings(const QStringList &warnings)
{
    m_text->setText(warnings.join(u'\n'));
    setVisible(!warnings.isEmpty());
}

QString WarningBanner::text() const
{
    return m_text->text();
}

void WarningBanner::paintEvent(QPaintEvent *)
{
    // A tint of the warning colour over the window, framed in it: reads in light and dark themes.
    const QColor warning = warningColor(palette());
    QColor tint = warning;
    tint.setAlpha(40);
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(warning);
    painter.setBrush(tint);
    painter.drawRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
}

} // namespace portico
