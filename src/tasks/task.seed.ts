// A small published bank and one open sitting for local runs, so a new user can try the real
// flow at once: a mock paper (writing Task 1 and Task 2, speaking Parts 1-3) in VSTEP's format,
// offered in an open sitting, and two practice tasks outside it (a sitting's tasks are answered
// in the sitting only). Only ever in APP_ENV=local, and only once: the tasks have fixed ids.
import type { Config } from '../config/env.ts';
import type { GradingMode, Skill, Task } from '../domain/scores.ts';
import type { PrismaClient } from '../lib/prisma.ts';

interface SeedTask {
  id: string;
  skill: Skill;
  task: Task;
  title: string;
  prompt: string;
  questions?: string[];
  graderNotes: string;
  mode: GradingMode;
  secondMarkingRate: number;
}

export const seedTasks: readonly SeedTask[] = [
  {
    id: '5eed0000-0000-4000-8000-000000000001',
    skill: 'writing',
    task: 'task1',
    title: 'Email to a friend: summer plans',
    prompt:
      'You received an email from your English friend, Jane. She wrote: "I have just finished my exams and I am planning my summer. What are you going to do during the summer holiday? Will you travel anywhere, or will you stay at home and work? I would love to hear your plans." Write an email to Jane answering her questions. You should write at least 120 words. You do not need to include your name or addresses.',
    graderNotes: 'Look for all three points answered (plans, travel or not, why), an informal register and a suitable opening and closing.',
    mode: 'auto',
    secondMarkingRate: 0,
  },
  {
    id: '5eed0000-0000-4000-8000-000000000002',
    skill: 'writing',
    task: 'task2',
    title: 'Essay: community service for students',
    prompt:
      'Write an essay to an educated reader to discuss the following topic: Some people think that university students should be required to do community service as part of their studies. Others believe that it should be voluntary. Discuss both views and give your own opinion. Include reasons and any relevant examples from your own knowledge or experience. You should write at least 250 words.',
    graderNotes: 'Both views must be discussed and an opinion stated. Do not reward memorised introductions that do not address the question.',
    mode: 'hybrid',
    secondMarkingRate: 0.1,
  },
  {
    id: '5eed0000-0000-4000-8000-000000000003',
    skill: 'speaking',
    task: 'part1',
    title: 'Social interaction: free time and your neighbourhood',
    prompt: "Let's talk about your free time and then about the place where you live. Answer each question in two or three sentences.",
    questions: [
      'What do you usually do in your free time?',
      'Do you prefer spending your free time alone or with friends? Why?',
      'Describe the neighbourhood where you live.',
      'What would you like to change about your neighbourhood?',
    ],
    graderNotes: 'Short, direct answers are expected; credit extended answers with reasons. Do not penalise a Vietnamese accent that does not impede understanding.',
    mode: 'hybrid',
    secondMarkingRate: 0,
  },
  {
    id: '5eed0000-0000-4000-8000-000000000004',
    skill: 'speaking',
    task: 'part2',
    title: 'Solution discussion: an end-of-term trip',
    prompt:
      'Situation: Your class is planning a weekend trip to celebrate the end of the semester. Three places have been suggested. Which place do you think is the best choice? Explain why you chose it and why you did not choose the others.',
    questions: ['A beach resort', 'A mountain village', 'A big city with museums and shopping centres'],
    graderNotes: 'The candidate should choose one option and argue against the other two; one minute of preparation is allowed.',
    mode: 'hybrid',
    secondMarkingRate: 0,
  },
  {
    id: '5eed0000-0000-4000-8000-000000000005',
    skill: 'speaking',
    task: 'part3',
    title: 'Topic development: the benefits of reading',
    prompt: 'Topic: Reading books brings many benefits to young people. Talk about the topic using the ideas below, and add ideas of your own.',
    questions: ['It improves knowledge and vocabulary', 'It reduces stress', 'It develops imagination', 'Follow-up: Do young people read less today than in the past? Why?'],
    graderNotes: 'Expect a developed talk of about two minutes covering the given ideas and at least one of the candidate\'s own.',
    mode: 'hybrid',
    secondMarkingRate: 0,
  },
];

/** Tasks to practise with, in no sitting. */
export const seedPracticeTasks: readonly SeedTask[] = [
  {
    id: '5eed0000-0000-4000-8000-000000000006',
    skill: 'writing',
    task: 'task2',
    title: 'Practice essay: technology and children',
    prompt:
      'Write an essay to an educated reader to discuss the following topic: Many parents give their young children smartphones and tablets. Do the advantages of this outweigh the disadvantages? Include reasons and any relevant examples from your own knowledge or experience. You should write at least 250 words.',
    graderNotes: 'A clear answer to "do the advantages outweigh the disadvantages" is required.',
    mode: 'hybrid',
    secondMarkingRate: 0,
  },
  {
    id: '5eed0000-0000-4000-8000-000000000007',
    skill: 'speaking',
    task: 'part1',
    title: 'Practice: your hometown and your studies',
    prompt: "Let's talk about your hometown and your studies. Answer each question in two or three sentences.",
    questions: ['Where is your hometown?', 'What do you like most about it?', 'What are you studying at the moment?', 'Why did you choose it?'],
    graderNotes: 'Short, direct answers are expected; credit reasons and examples.',
    mode: 'auto',
    secondMarkingRate: 0,
  },
];

export const seedSittingId = '5eed0000-0000-4000-8000-0000000000f1';

const day = 86_400_000;

/**
 * Adds the sample bank and sitting unless they are there already; a sample sitting that has
 * closed, or soon will, is kept open another 30 days. True when it added them.
 */
export async function seedExamContent(prisma: PrismaClient, config: Config, now = new Date()): Promise<boolean> {
  if (config.env !== 'local') throw new Error(`sample exam content is for APP_ENV=local only, not ${config.env}`);
  if (await prisma.examTask.findUnique({ where: { id: seedTasks[0]!.id }, select: { id: true } })) {
    await prisma.sitting.updateMany({ where: { id: seedSittingId, closesAt: { lt: new Date(now.getTime() + 7 * day) } }, data: { closesAt: new Date(now.getTime() + 30 * day) } });
    return false;
  }
  const admin = await prisma.user.findFirst({ where: { role: 'admin' }, orderBy: { createdAt: 'asc' }, select: { id: true } });
  await prisma.$transaction(async (tx) => {
    for (const t of [...seedTasks, ...seedPracticeTasks]) {
      await tx.examTask.create({
        data: {
          id: t.id,
          familyId: t.id,
          skill: t.skill,
          task: t.task,
          title: t.title,
          prompt: t.prompt,
          questions: t.questions ?? [],
          graderNotes: t.graderNotes,
          mode: t.mode,
          secondMarkingRate: t.secondMarkingRate,
          status: 'published',
          publishedAt: now,
          createdById: admin?.id ?? null,
        },
      });
    }
    await tx.sitting.create({
      data: {
        id: seedSittingId,
        title: 'Mock VSTEP: writing and speaking',
        opensAt: now,
        closesAt: new Date(now.getTime() + 30 * day),
        durationMinutes: 120,
        allowRetakes: true,
        createdById: admin?.id ?? null,
        tasks: { create: seedTasks.map((t, position) => ({ examTaskId: t.id, position })) },
      },
    });
  });
  return true;
}
