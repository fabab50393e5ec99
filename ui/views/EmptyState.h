#pragma once

#include <QWidget>

class QHBoxLayout;
class QLabel;
class QPushButton;

namespace portico {

// What a page shows instead of an empty table: an icon, what is missing and the buttons that
// fix it ("No routes yet" [Add route] [Load demo]).
class EmptyState : public QWidget
{
    Q_OBJECT
public:
    explicit EmptyState(const char *icon, QWidget *parent = nullptr);

    void setText(const QString &title, const QString &explanation);
    // A button for `action`-like behaviour; returns it so the caller connects clicked().
    QPushButton *addButton(const QString &text, const QString &objectName);

    QString title() const;

private:
    QLabel *m_title;
    QLabel *m_explanation;
    QHBoxLayout *m_buttons;
};

} // namespace portico
