#pragma once

#include <QWidget>

class QAction;
class QKeySequence;
class QHBoxLayout;
class QLabel;

namespace portico {

// The top of every page: a title, one line saying what the page is for, and the page's main
// actions as buttons on the right. Pages look alike and their actions are where users expect.
class PageHeader : public QWidget
{
    Q_OBJECT
public:
    PageHeader(const QString &title, const QString &description, QWidget *parent = nullptr);

    // A tool button for `action` (icon and text), added right of the previous ones.
    void addAction(QAction *action);
    // Any widget (a filter box, a range selector) before the action buttons.
    void addWidget(QWidget *widget);
    void setDescription(const QString &description);

private:
    QLabel *m_description;
    QHBoxLayout *m_actions;
};

// A bold heading over one part of a page ("Quota use (live)").
QLabel *sectionTitle(const QString &text);

// An action of `page`, with its shortcut shown in the tooltip. It works while `scope` has the
// focus: the page (other pages have their own Ctrl+N) or one widget in it (Delete in a filter
// box deletes text, not a row).
QAction *pageAction(QWidget *page, const char *icon, const QString &text,
                    const QString &objectName, const QKeySequence &shortcut, QWidget *scope);

} // namespace portico
