#pragma once

#include <QColor>
#include <QGuiApplication>
#include <QPalette>
#include <QWidget>

namespace portico {

// Status colours, the one place the control room uses fixed colours: red and green are read as
// "wrong" and "fine" in either theme. A lighter shade on dark palettes keeps them legible.
inline bool isDarkPalette(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

inline QColor errorColor(const QPalette &palette = QGuiApplication::palette())
{
    return isDarkPalette(palette) ? QColor(0xef, 0x6b, 0x6b) : QColor(0xc6, 0x28, 0x28);
}

inline QColor okColor(const QPalette &palette = QGuiApplication::palette())
{
    return isDarkPalette(palette) ? QColor(0x66, 0xbb, 0x6a) : QColor(0x2e, 0x7d, 0x32);
}

inline QColor warningColor(const QPalette &palette = QGuiApplication::palette())
{
    return isDarkPalette(palette) ? QColor(0xff, 0xb7, 0x4d) : QColor(0xb2, 0x6a, 0x00);
}

// Draws `widget`'s text (a label's) in `color`; an invalid colour brings the theme's back.
inline void setTextColor(QWidget *widget, const QColor &color)
{
    QPalette p = widget->palette();
    p.setColor(QPalette::WindowText,
               color.isValid() ? color : QGuiApplication::palette().color(QPalette::WindowText));
    widget->setPalette(p);
}

} // namespace portico
