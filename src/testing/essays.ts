// Sample responses written for the tests and the benchmark.

export const holidayPrompt = 'Write a letter to your friend about your last holiday. Write at least 120 words.';

export const holidayLetter = `Dear Tom,

I am writing to tell you about my holiday in Da Nang last summer. Firstly, the beach was beautiful and
the food was delicious. However, the weather was very hot, so we usually stayed in the hotel in the
afternoon and went out again in the evening.

In addition, we visited the Marble Mountains and took many photos of the pagodas and caves. My family
enjoyed the trip because everyone could relax and forget about work for a while. My little brother
learned to swim, and my parents tried seafood at a small restaurant near the harbour every night.

Finally, I would like to invite you to join us next year. I am sure you would love the friendly people
and the fresh air. Please write back and tell me about your own holiday.

Best wishes,
Lan`;

export const essayPrompt =
  'Some people think that students should learn online rather than at school. Discuss both views and give your opinion. Write at least 250 words.';

export const onlineLearningEssay = `Nowadays, online learning has become increasingly popular, and some people believe that students
should study on the internet instead of going to school. In my opinion, although online courses have
clear advantages, traditional schools remain essential for most learners.

On the one hand, learning online offers flexibility and convenience. Students can watch lectures at any
time, repeat difficult lessons and study at their own pace. Moreover, online platforms give access to
excellent teachers from around the world, which is especially valuable for learners in rural areas.
As a result, many people argue that schools are no longer necessary.

On the other hand, schools provide much more than knowledge. Children learn how to cooperate, resolve
conflicts and communicate face to face. Furthermore, teachers in a classroom can notice when a student
is confused and adapt their explanation immediately. Many young learners also lack the discipline to
follow online lessons without supervision, so their results may decline.

In conclusion, I believe that online learning should support classroom teaching rather than replace it.
A combination of both approaches would allow students to benefit from flexible resources while keeping
the social and emotional development that only schools can offer. Therefore, governments should invest
in digital tools for schools instead of closing them.`;
